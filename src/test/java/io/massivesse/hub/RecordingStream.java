package io.massivesse.hub;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * An EventStream that records frames as text; it can stall like a client that stopped reading, or fail.
 * Public for the tests of the layers above the hub, which need a stream to subscribe with.
 */
public final class RecordingStream implements EventStream {

    final List<String> frames = new CopyOnWriteArrayList<>();
    volatile boolean closed;
    volatile boolean failing;
    private volatile CountDownLatch stall = new CountDownLatch(0);

    volatile boolean opened;

    @Override
    public void open() {
        opened = true;
    }

    @Override
    public void write(List<byte[]> batch) throws IOException {
        try {
            if (!stall.await(30, TimeUnit.SECONDS)) {
                throw new IOException("write timed out");
            }
        } catch (InterruptedException e) {
            throw new IOException(e);
        }
        if (failing) {
            throw new IOException("connection reset");
        }
        for (byte[] frame : batch) {
            frames.add(new String(frame, StandardCharsets.UTF_8));
        }
    }

    @Override
    public void close() {
        closed = true;
    }

    void stall() {
        stall = new CountDownLatch(1);
    }

    void resume() {
        stall.countDown();
    }

    /** Frames other than heartbeats. */
    List<String> events() {
        return frames.stream().filter(f -> !f.startsWith(":")).toList();
    }
}
