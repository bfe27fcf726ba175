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
    /** Fails its writes with an unchecked exception, as a broken stream implementation or container might. */
    volatile boolean failingUnchecked;
    private volatile CountDownLatch stall = new CountDownLatch(0);
    /** Holds writeNow (and so the fan-out that called it, with the dispatch lock) until released. */
    private volatile CountDownLatch holdNow = new CountDownLatch(0);
    /** Counted down when a held writeNow has been entered. */
    private final CountDownLatch nowEntered = new CountDownLatch(1);

    volatile boolean opened;
    /**
     * What {@link #writeNow} answers: NOT_TRIED (a stream that cannot write without blocking, the default), WHOLE
     * (recorded at once) or PARTLY (recorded by the next write, before its frames).
     */
    volatile Sent now = Sent.NOT_TRIED;
    /** Frames written by writeNow, counted apart from those a writer wrote. */
    final List<String> writtenNow = new CopyOnWriteArrayList<>();
    private String rest;

    @Override
    public void open() {
        opened = true;
    }

    @Override
    public Sent writeNow(byte[] frame) throws IOException {
        if (now == Sent.NOT_TRIED) {
            return now;
        }
        if (holdNow.getCount() > 0) {
            nowEntered.countDown();
            try {
                holdNow.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        fail();
        String text = new String(frame, StandardCharsets.UTF_8);
        writtenNow.add(text);
        if (now == Sent.WHOLE) {
            frames.add(text);
        } else {
            rest = text;
        }
        return now;
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
        fail();
        if (rest != null) {
            frames.add(rest);
            rest = null;
        }
        for (byte[] frame : batch) {
            frames.add(new String(frame, StandardCharsets.UTF_8));
        }
    }

    @Override
    public void close() {
        closed = true;
    }

    private void fail() throws IOException {
        if (failing) {
            throw new IOException("connection reset");
        }
        if (failingUnchecked) {
            throw new IllegalStateException("the stream broke");
        }
    }

    /** Frames offered while nothing waits are written at once (as a plain socket that keeps up takes them). */
    public RecordingStream writingAtOnce() {
        now = Sent.WHOLE;
        return this;
    }

    /** The next writeNow waits until {@link #releaseNow()}: a fan-out that holds the dispatch lock, stuck. */
    public void holdNow() {
        holdNow = new CountDownLatch(1);
    }

    /** Waits until a held writeNow has been entered: from then on its fan-out holds the dispatch lock. */
    public boolean awaitHeld(long seconds) throws InterruptedException {
        return nowEntered.await(seconds, TimeUnit.SECONDS);
    }

    public void releaseNow() {
        holdNow.countDown();
    }

    /** How many frames reached the client so far. */
    public int framesWritten() {
        return frames.size();
    }

    /** Whether the hub has ended this stream. */
    public boolean isClosed() {
        return closed;
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
