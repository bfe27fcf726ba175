package io.massivesse.push;

import java.io.IOException;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.SseEventSink;

import io.massivesse.hub.EventStream;

/**
 * The portable writer ({@code SSE_WRITER=sink}): frames go out through JAX-RS's
 * {@link SseEventSink}, which serialises every event again for every connection
 * (docs/DESIGN.md compares it with the default servlet writer). Same queue, same writer
 * thread: a send blocks that thread until the bytes are written. Registered through {@link HubBroadcaster}, which
 * hears of a failed send and of the end.
 */
final class SinkEventStream implements EventStream {

    /** A send waits at most this long; the container's write timeout normally ends it sooner. */
    private static final long SEND_TIMEOUT_SECONDS = 120;
    private static final String ID_LEAD = "id: ";
    private static final String FRAME_END = "\n\n";

    /** Told of a send that failed (the stream then ends) and of the end, once. */
    interface Ends {
        void failed(Throwable cause);

        void closed();
    }

    private final SseEventSink sink;
    private final Ends ends;
    private final AtomicBoolean closed = new AtomicBoolean();

    SinkEventStream(SseEventSink sink, Ends ends) {
        this.sink = sink;
        this.ends = ends;
    }

    /** RESTEasy commits the response with the first send; nothing to do before it. */
    @Override
    public void open() {
    }

    @Override
    public void write(List<byte[]> frames) throws IOException {
        try {
            for (byte[] frame : frames) {
                if (sink.isClosed()) {
                    throw new IOException("sink closed");
                }
                send(frame);
            }
        } catch (IOException e) {
            ends.failed(e);
            throw e;
        }
    }

    private void send(byte[] frame) throws IOException {
        try {
            sink.send(toEvent(frame)).toCompletableFuture().get(SEND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("send failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            sink.close();
        } catch (RuntimeException alreadyClosed) {
            // the client is gone
        }
        ends.closed();
    }

    /**
     * The JAX-RS event that carries one of our frames ({@code SseFrames}). RESTEasy folds every run of
     * line breaks in an event's data into one, so a payload's empty lines and its final line break would
     * not reach the client; it writes the id field as given, though. So a data event, which always starts
     * with its id, goes out whole behind the {@code id: } lead: the same bytes as the default writer.
     * The heartbeat is a comment, and a control frame (one line of JSON data) goes field by field. Both are
     * events of our own, not built with {@code Sse}: a sink registered by other code comes without one.
     */
    static OutboundSseEvent toEvent(byte[] frame) {
        String text = new String(frame, StandardCharsets.UTF_8);
        if (text.startsWith(ID_LEAD)) {
            // Everything after the id: lead, up to the blank line that ends the frame.
            return new FrameEvent(text.substring(ID_LEAD.length(), text.length() - FRAME_END.length()), null, null, -1, null);
        }
        String name = null;
        String comment = null;
        long retry = -1;
        String data = null;
        for (String line : text.split("\n")) {
            if (line.startsWith(":")) {
                comment = line.substring(1).trim();
            } else if (line.startsWith("event: ")) {
                name = line.substring(7);
            } else if (line.startsWith("retry: ")) {
                retry = Long.parseLong(line.substring(7));
            } else if (line.startsWith("data: ")) {
                data = line.substring(6);
            }
        }
        return new FrameEvent(null, name, comment, retry, data);
    }

    /**
     * One of our frames as JAX-RS's event: a data event as encoded once (all of it in {@code id}, no data), or a
     * control frame or the heartbeat field by field.
     */
    private record FrameEvent(String id, String name, String comment, long reconnectDelay, String data)
            implements OutboundSseEvent {

        @Override
        public String getId() {
            return id;
        }

        @Override
        public String getName() {
            return name;
        }

        @Override
        public String getComment() {
            return comment;
        }

        @Override
        public long getReconnectDelay() {
            return reconnectDelay;
        }

        @Override
        public boolean isReconnectDelaySet() {
            return reconnectDelay >= 0;
        }

        /** A type whenever something follows the fields: the data, or (for a data event) the rest of the id. */
        @Override
        public Class<?> getType() {
            return id != null || data != null ? String.class : null;
        }

        @Override
        public Type getGenericType() {
            return getType();
        }

        @Override
        public MediaType getMediaType() {
            return MediaType.TEXT_PLAIN_TYPE;
        }

        @Override
        public Object getData() {
            return data;
        }
    }
}
