package io.massivesse.push;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.concurrent.TimeUnit;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import io.massivesse.hub.CloseReason;
import io.massivesse.hub.EventStream;
import io.massivesse.hub.Subscriber;

/**
 * An SSE response written as pre-encoded frames straight to the servlet output stream:
 * one encoding per event for all connections, instead of one per connection through
 * {@code SseEventSink} (docs/DESIGN.md has the measurements).
 *
 * <p>On a plain HTTP/1.x connection a frame offered while nothing waits is written past Liberty, to the socket
 * itself: one non-blocking {@code write} (as an HTTP/1.1 chunk), where Liberty's path costs a blocking writer
 * thread per event and ~40% of a node's CPU at 100,000 clients (docs/DESIGN.md). What the socket does not take
 * goes first at the next {@link #write}, on the writer thread; Liberty still writes the headers, the first frames
 * and the end of the body.
 */
final class ServletEventStream implements EventStream {

    /** Waits between tries to finish a frame a full socket did not take: short at first, at most this. */
    private static final long MAX_PAUSE_MILLIS = 100;

    private final AsyncContext context;
    private final HttpServletResponse response;
    /** How long the rest of a frame may wait for the client to take any of it before the stream counts as failed. */
    private final long stuckNanos;
    private ServletOutputStream out;
    private volatile boolean closed;
    /** Stops the watch for the client's close; nothing until the stream is watched. */
    private volatile Runnable unwatch = () -> { };
    /** The socket frames are written to past Liberty, or null: not known yet, or not a plain HTTP/1.x socket. */
    private volatile SocketChannel socket;
    /**
     * HTTP/1.1: Liberty sends the body chunked, so each frame written past it is a chunk (HTTP/1.0: as it is). Set
     * before {@link #socket}, whose volatile write publishes it: one volatile read per event, not two.
     */
    private boolean chunked;
    /** What the socket did not take of the last frame written past Liberty; only the writing thread touches it. */
    private ByteBuffer rest;

    ServletEventStream(AsyncContext context, HttpServletResponse response, int stuckSeconds) {
        this.context = context;
        this.response = response;
        this.stuckNanos = TimeUnit.SECONDS.toNanos(stuckSeconds);
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
    public Sent writeNow(byte[] frame) throws IOException {
        SocketChannel channel = socket;
        if (channel == null) {
            return Sent.NOT_TRIED;
        }
        if (closed) {
            throw new IOException("stream closed");
        }
        ByteBuffer bytes = ByteBuffer.wrap(chunked ? HttpChunk.of(frame) : frame);
        channel.write(bytes);
        if (!bytes.hasRemaining()) {
            return Sent.WHOLE;
        }
        rest = bytes;
        return Sent.PARTLY;
    }

    @Override
    public void write(List<byte[]> frames) throws IOException {
        if (closed) {
            throw new IOException("stream closed");
        }
        ByteBuffer left = rest;
        if (left != null) {
            rest = null;
            finish(socket, left);
        }
        if (frames.isEmpty()) {
            return;
        }
        for (byte[] frame : frames) {
            out.write(frame);
        }
        out.flush();
    }

    /**
     * Sends the rest of a frame the socket took only part of, before anything else may go. The socket is
     * non-blocking and this writer thread is cheap (virtual): it tries again after a pause, as Liberty's blocking
     * write would wait, and gives up when the client takes nothing for as long as a full queue is allowed.
     */
    private void finish(SocketChannel channel, ByteBuffer left) throws IOException {
        long progressAt = System.nanoTime();
        long pauseMillis = 1;
        while (left.hasRemaining()) {
            if (channel.write(left) > 0) {
                progressAt = System.nanoTime();
                pauseMillis = 1;
                continue;
            }
            if (closed) {
                throw new IOException("stream closed");
            }
            if (System.nanoTime() - progressAt > stuckNanos) {
                // Liberty writes the end of the body next, knowing nothing of this: to a full socket that write
                // waits out its own write timeout, and 750 such ends at once held up a whole node for 21 s
                // (docs/BENCHMARKS.md). With the sending side shut it fails at once, and Liberty closes the connection.
                try {
                    channel.shutdownOutput();
                } catch (IOException alreadyGone) {
                    // Closed meanwhile: nothing left to fail.
                }
                throw new IOException("the client took nothing for " + TimeUnit.NANOSECONDS.toSeconds(stuckNanos) + " s");
            }
            try {
                Thread.sleep(pauseMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("stopped while writing");
            }
            pauseMillis = Math.min(pauseMillis * 2, MAX_PAUSE_MILLIS);
        }
    }

    /**
     * Ends the stream when the client closes its connection, instead of at the next write; and where the socket is
     * a plain HTTP/1.x one, lets frames be written to it past Liberty.
     */
    void watch(ClientCloseWatch watch, HttpServletRequest request, Subscriber subscriber) {
        String protocol = request.getProtocol();
        SocketChannel channel = watch.socketOf(response, protocol);
        if (channel != null) {
            unwatch = watch.watch(channel, () -> subscriber.close(CloseReason.CLIENT_GONE));
            // Over TLS the socket carries encrypted records, and a blocking socket would block the fan-out.
            if (!request.isSecure() && !channel.isBlocking()) {
                chunked = "HTTP/1.1".equals(protocol);
                socket = channel;
            }
        }
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
