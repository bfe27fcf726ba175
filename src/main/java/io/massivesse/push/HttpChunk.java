package io.massivesse.push;

import java.nio.charset.StandardCharsets;

import io.massivesse.event.SseFrames;

/**
 * A frame as one chunk of an HTTP/1.1 chunked body (size in hex, CRLF, the bytes, CRLF), for a frame written to
 * the socket past the servlet container. The fan-out hands every connection the same frame object, so the last
 * frame's chunk is kept and framed once per event, not once per connection.
 */
final class HttpChunk {

    private static final byte[] PING = frame(SseFrames.PING);

    private record Framed(byte[] frame, byte[] chunk) {
    }

    /** Racy by design: two threads that frame the same event at once make two equal chunks. */
    private static volatile Framed last = new Framed(SseFrames.PING, PING);

    private HttpChunk() {
    }

    static byte[] of(byte[] frame) {
        if (frame == SseFrames.PING) {
            return PING;
        }
        Framed kept = last;
        if (kept.frame() == frame) {
            return kept.chunk();
        }
        byte[] chunk = frame(frame);
        last = new Framed(frame, chunk);
        return chunk;
    }

    private static byte[] frame(byte[] frame) {
        byte[] size = (Integer.toHexString(frame.length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] chunk = new byte[size.length + frame.length + 2];
        System.arraycopy(size, 0, chunk, 0, size.length);
        System.arraycopy(frame, 0, chunk, size.length, frame.length);
        chunk[chunk.length - 2] = '\r';
        chunk[chunk.length - 1] = '\n';
        return chunk;
    }
}
