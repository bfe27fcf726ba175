package io.massivesse.push;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;

import io.massivesse.hub.EventStream;

/**
 * The portable writer ({@code SSE_WRITER=sink}): frames go out through JAX-RS's
 * {@link SseEventSink}, which encodes every event again for every connection
 * (docs/BENCHMARKS.md compares it with the default servlet writer). Same queue, same writer
 * thread: a send blocks that thread until the bytes are written.
 */
final class SinkEventStream implements EventStream {

    /** A send waits at most this long; the container's write timeout normally ends it sooner. */
    private static final long SEND_TIMEOUT_SECONDS = 120;

    private final SseEventSink sink;
    private final Sse sse;

    SinkEventStream(SseEventSink sink, Sse sse) {
        this.sink = sink;
        this.sse = sse;
    }

    /** RESTEasy commits the response with the first send; nothing to do before it. */
    @Override
    public void open() {
    }

    @Override
    public void write(List<byte[]> frames) throws IOException {
        for (byte[] frame : frames) {
            if (sink.isClosed()) {
                throw new IOException("sink closed");
            }
            try {
                sink.send(toEvent(sse, frame)).toCompletableFuture().get(SEND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                throw new IOException("send failed", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }
    }

    @Override
    public void close() {
        try {
            sink.close();
        } catch (RuntimeException alreadyClosed) {
            // the client is gone
        }
    }

    /** Turns one of our encoded frames (SseFrames) back into the fields JAX-RS wants. */
    static OutboundSseEvent toEvent(Sse sse, byte[] frame) {
        OutboundSseEvent.Builder event = sse.newEventBuilder();
        StringBuilder data = null;
        String comment = null;
        for (String line : new String(frame, StandardCharsets.UTF_8).split("\n")) {
            if (line.startsWith(":")) {
                comment = line.substring(1).trim();
            } else if (line.startsWith("id: ")) {
                event.id(line.substring(4));
            } else if (line.startsWith("event: ")) {
                event.name(line.substring(7));
            } else if (line.startsWith("retry: ")) {
                event.reconnectDelay(Long.parseLong(line.substring(7)));
            } else if (line.startsWith("data: ")) {
                String value = line.substring(6);
                data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
            }
        }
        if (data != null) {
            event.mediaType(MediaType.TEXT_PLAIN_TYPE).data(String.class, data.toString());
        } else {
            event.comment(comment);
        }
        return event.build();
    }
}
