package io.massivesse.hub;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.massivesse.event.SseFrames;
import io.massivesse.event.Topics;

/**
 * One open SSE connection: a bounded queue of encoded frames, written in order by a writer
 * thread started only while there is something to write. A frame offered while nothing is queued
 * goes to the stream at once where it can be written without blocking. Offering never blocks, so a
 * broadcast never waits on this client. An event that finds the queue full ends the stream after what is queued:
 * dropping frames would leave a hole that no later resume could fill, while a client whose stream ended resumes
 * after the last event it read, from the history (exact, or told by a reset which streams lost events).
 *
 * <p>Offers run inside fan-outs, on the pool's threads, while the hub holds its dispatch lock: nothing here calls
 * back into the hub or waits for a lock but this object's own monitor, which no one holds while waiting. A close is
 * recorded through {@code onClosed} (which must not block) and applied by the hub later.
 */
public final class Subscriber {

    private static final Logger LOG = Logger.getLogger(Subscriber.class.getName());

    /** Frames written per flush: enough to amortise the flush, small enough to notice a close soon. */
    private static final int BATCH = 64;

    private final String userId;
    /** Node-local connection number, for logs. */
    private final long serial;
    private final EventStream stream;
    private final int capacity;
    private final Executor writers;
    /** Records the close for the hub; never blocks. */
    private final BiConsumer<Subscriber, CloseReason> onClosed;
    /** The last frame of a stream that overflowed: a reconnect delay, spread so its clients do not return at once. */
    private final Supplier<byte[]> overflowGoodbye;
    private final HubMetrics metrics;
    private final long openedAt = System.currentTimeMillis();
    /** Changed by the hub under its dispatch lock (server-side subscription changes); read anywhere. */
    private volatile Topics topics;
    /** When its stream must end (token expiry, epoch milliseconds), 0 for never. */
    private final long endsAtMillis;

    private final ArrayDeque<byte[]> queue = new ArrayDeque<>();
    /** The queue bound: the capacity, raised while a replay is being written so a long replay never overflows it. */
    private int limit;
    /** Until the stream is open, frames only queue: nothing may be written before the first frame. */
    private boolean started;
    /** A writer thread is running: offers only queue, and it takes what they queued. */
    private boolean writing;
    /** The stream holds the rest of a frame its socket took only part of: the writer sends it before anything queued. */
    private boolean restPending;
    private CloseReason closeReason;
    /** Closed with what is queued still to be written: a later last frame (a goodbye) joins it. */
    private boolean flushing;
    /** The writer has seen the end: nothing queued from now on is written. */
    private boolean ending;
    /** The hub's watcher heard of the open: only then is it told of the close. Set under the dispatch lock. */
    private volatile boolean announced;
    private boolean streamClosed;
    private long fullSinceNanos;
    private long dropped;
    /** When the writer last took frames (the connected frame goes first, so: from the start): recent traffic makes a ping redundant. */
    private long lastTakenNanos = System.nanoTime();

    Subscriber(String userId, Topics topics, long serial, EventStream stream, int capacity, Executor writers,
               BiConsumer<Subscriber, CloseReason> onClosed, Supplier<byte[]> overflowGoodbye, HubMetrics metrics,
               long endsAtMillis) {
        this.userId = userId;
        this.topics = topics;
        this.serial = serial;
        this.stream = stream;
        this.capacity = capacity;
        this.writers = writers;
        this.onClosed = onClosed;
        this.overflowGoodbye = overflowGoodbye;
        this.metrics = metrics;
        this.limit = capacity;
        this.endsAtMillis = endsAtMillis;
    }

    long endsAtMillis() {
        return endsAtMillis;
    }

    public String userId() {
        return userId;
    }

    /** Node-local connection number. */
    long serial() {
        return serial;
    }

    public long openedAt() {
        return openedAt;
    }

    /** The topics this connection listens to now. */
    public Topics topics() {
        return topics;
    }

    void topics(Topics changed) {
        topics = changed;
    }

    /**
     * Writes a frame to this client without blocking, or queues it for the writer.
     *
     * @param atOnce whether the frame may go to the stream here and now when nothing waits; false queues it, so
     *               that frames offered close together go out in one write
     * @return false when the subscriber is closed and the frame was not taken
     */
    boolean offer(byte[] frame, boolean atOnce) {
        try {
            return take(frame, atOnce);
        } catch (RuntimeException | Error e) {
            // Whatever one connection does, the fan-out goes on to the next: this one ends.
            LOG.log(Level.WARNING, this + ": offering a frame failed", e);
            close(CloseReason.CLIENT_GONE);
            return false;
        }
    }

    private boolean take(byte[] frame, boolean atOnce) {
        EventStream.Sent sent = EventStream.Sent.NOT_TRIED;
        Throwable failed = null;
        boolean overflowed = false;
        synchronized (this) {
            if (closeReason != null) {
                return false;
            }
            if (atOnce && started && !writing && queue.isEmpty()) {
                // A client that keeps up takes the frame here and now: no queue, no writer thread.
                try {
                    sent = stream.writeNow(frame);
                } catch (IOException | RuntimeException | Error e) {
                    // Unchecked too: a fan-out must go on to the next connection whatever one stream does.
                    failed = e;
                }
            }
            if (failed == null && sent != EventStream.Sent.NOT_TRIED) {
                lastTakenNanos = System.nanoTime();
                if (sent == EventStream.Sent.WHOLE) {
                    return true;
                }
                restPending = true;
                writing = true;
            } else if (failed == null) {
                if (queue.size() >= limit) {
                    if (frame == SseFrames.PING) {
                        // A heartbeat left out costs the client nothing.
                        return true;
                    }
                    overflowed = true;
                } else {
                    enqueue(frame);
                    if (writing || !started) {
                        return true;
                    }
                    writing = true;
                }
            }
        }
        if (failed != null) {
            LOG.log(Level.FINE, this + ": write failed", failed);
            close(CloseReason.CLIENT_GONE);
            return false;
        }
        if (overflowed) {
            overflow();
            return false;
        }
        startWriter();
        return true;
    }

    /**
     * Hands the queue to a writer thread. Where none can be started (the executor refuses while the node stops, or
     * no thread can be made) nothing would ever write this stream again: it is closed and ended here.
     */
    private void startWriter() {
        try {
            writers.execute(this::writeQueued);
        } catch (RuntimeException | Error e) {
            LOG.log(Level.WARNING, this + ": no writer thread", e);
            close(CloseReason.CLIENT_GONE);
            endStream();
        }
    }

    /** Under the lock: adds the frame to a queue with room for it. */
    private void enqueue(byte[] frame) {
        queue.addLast(frame);
        if (queue.size() >= limit && fullSinceNanos == 0) {
            fullSinceNanos = System.nanoTime();
        }
    }

    /**
     * An event found the queue full: this stream takes no more events, writes what it has queued (the events just
     * before this one, with their ids) and a reconnect delay, and ends. The client reconnects with the id of the
     * last of them, and its resume replays this event and the rest from the history, or names the streams whose
     * events the history no longer has. Overflows come in bursts (a node that falls behind fills many queues at
     * once): the delays are spread so those clients do not all resume in the same moment. A client that does not
     * even read what is queued is given up by the write timeout.
     */
    private void overflow() {
        if (close(CloseReason.SLOW_CONSUMER, true, overflowGoodbye.get())) {
            synchronized (this) {
                dropped++;
            }
            metrics.eventDropped();
        }
    }

    /**
     * Queues a heartbeat unless frames went out less than {@code quietNanos} ago: they keep proxies
     * from timing the stream out and find a vanished client as a ping would, for one write fewer.
     * A stream whose writer is stuck took nothing lately, so its pings still fill the queue and the
     * slow-consumer rule still sees it.
     */
    void heartbeat(long nowNanos, long quietNanos) {
        synchronized (this) {
            if (nowNanos - lastTakenNanos < quietNanos) {
                return;
            }
        }
        offer(SseFrames.PING, true);
    }

    /**
     * Queues the first frames (connected, then any replay) before the subscriber starts; they do not
     * count against the capacity, so a long replay never overflows the queue.
     */
    synchronized void prime(List<byte[]> frames) {
        queue.addAll(frames);
        limit = capacity + frames.size();
    }

    /** Commits the stream on the calling (request) thread, then lets the writer take what is queued. */
    void start() {
        try {
            stream.open();
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.FINE, this + ": open failed", e);
            close(CloseReason.CLIENT_GONE);
        }
        synchronized (this) {
            started = true;
            if (writing || (queue.isEmpty() && closeReason == null)) {
                return;
            }
            writing = true;
        }
        startWriter();
    }

    /** Queues a last frame, then ends the stream once it and what was queued before it are written. */
    public void closeAfter(byte[] lastFrame, CloseReason reason) {
        close(reason, true, lastFrame);
    }

    /**
     * Ends the stream now: anything still queued is discarded. Never blocks, so any thread may call it: the
     * connection leaves the hub shortly after, on the hub's own thread.
     */
    public void close(CloseReason reason) {
        close(reason, false, null);
    }

    /**
     * Returns whether this call closed it (false: it was closed already). A stream already ending after what it
     * has queued still takes a last frame, so a client whose stream overflowed still hears that it was replaced,
     * that its token expired or that the node shuts down; and what it has queued is never discarded by a later close.
     */
    private boolean close(CloseReason reason, boolean flushQueued, byte[] lastFrame) {
        boolean startWriter;
        synchronized (this) {
            if (closeReason != null) {
                if (lastFrame != null && flushing && !ending) {
                    queue.addLast(lastFrame);
                }
                return false;
            }
            closeReason = reason;
            flushing = flushQueued;
            if (!flushQueued) {
                queue.clear();
            }
            if (lastFrame != null) {
                queue.addLast(lastFrame);
            }
            // An idle subscriber has no writer to end the stream: start one. A busy one ends it itself,
            // and one not started yet is ended by start().
            startWriter = started && !writing;
            writing |= started;
        }
        onClosed.accept(this, reason);
        if (startWriter) {
            startWriter();
        }
        return true;
    }

    void announced() {
        announced = true;
    }

    boolean isAnnounced() {
        return announced;
    }

    public synchronized boolean isClosed() {
        return closeReason != null;
    }

    synchronized int queued() {
        return queue.size();
    }

    synchronized long dropped() {
        return dropped;
    }

    /** True when the queue has been full, with no write emptying it, for longer than the given time. */
    synchronized boolean fullLongerThan(long nanos, long nowNanos) {
        return fullSinceNanos != 0 && nowNanos - fullSinceNanos > nanos;
    }

    /** The writer: takes what is queued, in batches, until the queue is empty or the stream ends. */
    private void writeQueued() {
        // Sized by what is queued: most bursts carry one event, and a 64-slot list per burst showed up in profiles.
        List<byte[]> batch = null;
        while (true) {
            boolean endStream;
            synchronized (this) {
                if (batch == null) {
                    batch = new ArrayList<>(Math.max(1, Math.min(BATCH, queue.size())));
                }
                if (!queue.isEmpty()) {
                    lastTakenNanos = System.nanoTime();
                }
                while (batch.size() < BATCH && !queue.isEmpty()) {
                    batch.add(queue.pollFirst());
                }
                if (queue.size() <= capacity) {
                    limit = capacity;
                }
                if (queue.size() < limit) {
                    fullSinceNanos = 0;
                }
                boolean rest = restPending;
                restPending = false;
                endStream = batch.isEmpty() && !rest && closeReason != null;
                ending |= endStream;
                if (batch.isEmpty() && !rest && !endStream) {
                    writing = false;
                    return;
                }
            }
            if (endStream) {
                endStream();
                return;
            }
            try {
                stream.write(batch);
            } catch (IOException | RuntimeException | Error e) {
                // An Error too: a writer that dies without ending the stream would leave it open for good.
                LOG.log(Level.FINE, this + ": write failed", e);
                close(CloseReason.CLIENT_GONE);
                synchronized (this) {
                    ending = true;
                    queue.clear();
                }
                endStream();
                return;
            }
            batch.clear();
        }
    }

    private void endStream() {
        synchronized (this) {
            if (streamClosed) {
                return;
            }
            streamClosed = true;
        }
        stream.close();
    }

    @Override
    public String toString() {
        return "Subscriber[" + userId + "#" + serial + "]";
    }
}
