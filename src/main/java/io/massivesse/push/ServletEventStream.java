package io.massivesse.push;

import java.io.IOException;
import java.util.List;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletResponse;

import io.massivesse.hub.CloseReason;
import io.massivesse.hub.EventStream;
import io.massivesse.hub.Subscriber;

/**
 * An SSE response written as pre-encoded frames straight to the servlet output stream:
 * one encoding per event for all connections, instead of one per connection through
 * {@code SseEventSink} (docs/DESIGN.md has the measurements).
 */
final class ServletEventStream implements EventStream {

    private final AsyncContext context;
    private final HttpServletResponse response;
    private ServletOutputStream out;
    private volatile boolean closed;
    /** Stops the watch for the client's close; nothing until the stream is watched. */
    private volatile Runnable unwatch = () -> { };

    ServletEventStream(AsyncContext context, HttpServletResponse response) {
        this.context = context;
        this.response = response;
    }

    /**
     * Commits the headers from the request thread. On Liberty 26.0.0.3 a first flush made by another
     * thread while the request is still being dispatched never reaches the client; once the request
     * thread has committed the response, the writer thread's writes go out at once (docs/DESIGN.md).
     */
    @Override
    public void open() throws IOException {
        response.setStatus(200);
        response.setContentType("text/event-stream");
        response.setHeader("Cache-Control", "no-cache, no-store");
        // Tells nginx (and proxies that honour it) not to buffer the stream.
        response.setHeader("X-Accel-Buffering", "no");
        // When the server ends a stream (replaced, evicted, shutting down) the socket goes with it,
        // instead of idling as a keep-alive connection the client will not reuse.
        response.setHeader("Connection", "close");
        out = response.getOutputStream();
        response.flushBuffer();
    }

    @Override
    public void write(List<byte[]> frames) throws IOException {
        if (closed) {
            throw new IOException("stream closed");
        }
        for (byte[] frame : frames) {
            out.write(frame);
        }
        out.flush();
    }

    /** Ends the stream when the client closes its connection, instead of at the next write. */
    void watch(ClientCloseWatch watch, String protocol, Subscriber subscriber) {
        unwatch = watch.watch(response, protocol, () -> subscriber.close(CloseReason.CLIENT_GONE));
        if (closed) {
            // The stream ended while the watch was being set up.
            unwatch.run();
        }
    }

    @Override
    public void close() {
        closed = true;
        unwatch.run();
        try {
            context.complete();
        } catch (IllegalStateException alreadyDone) {
            // The container completed the request already (client gone or server stopping).
        }
    }

    /** Closes the subscriber when the container sees the connection fail. */
    AsyncListener listenerFor(Subscriber subscriber) {
        return new AsyncListener() {
            @Override
            public void onComplete(AsyncEvent event) {
                closed = true;
                subscriber.close(CloseReason.CLIENT_GONE);
            }

            @Override
            public void onTimeout(AsyncEvent event) {
                subscriber.close(CloseReason.CLIENT_GONE);
            }

            @Override
            public void onError(AsyncEvent event) {
                closed = true;
                subscriber.close(CloseReason.CLIENT_GONE);
            }

            @Override
            public void onStartAsync(AsyncEvent event) {
            }
        };
    }
}
