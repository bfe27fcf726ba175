package io.massivesse.hub;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Connections that have closed and are still registered. Whoever sees a close (a fan-out's failed write, the close
 * watch, a heartbeat, a container callback) records it here without waiting for anything; one thread of the hub's
 * takes them out in batches and applies them under the dispatch lock. A close must never wait for that lock where
 * it is seen: a fan-out holds it while it waits for the pool threads that see most closes (docs/DESIGN.md, "Locks").
 */
final class Departures {

    private static final Logger LOG = Logger.getLogger(Departures.class.getName());
    /** Closes applied per hold of the dispatch lock: enough to amortise it, few enough not to delay a fan-out. */
    static final int BATCH = 512;

    /** One closed connection, why it closed, and when the close was recorded ({@link System#nanoTime()}). */
    record Departure(Subscriber subscriber, CloseReason reason, long atNanos) {
    }

    private final ConcurrentLinkedQueue<Departure> pending = new ConcurrentLinkedQueue<>();
    private final Consumer<List<Departure>> apply;
    private final Thread thread;
    private volatile boolean stopping;
    private volatile boolean stopped;

    /** @param apply takes a batch out of the registry; runs on this object's thread only */
    Departures(Consumer<List<Departure>> apply) {
        this.apply = apply;
        this.thread = new Thread(this::run, "sse-departures");
        thread.setDaemon(true);
        thread.start();
    }

    /** Records a close; never blocks. */
    void add(Subscriber subscriber, CloseReason reason) {
        if (stopped) {
            // The hub has stopped: nothing is registered any more that matters.
            LOG.fine(() -> "a close after the hub stopped: " + subscriber);
            return;
        }
        pending.add(new Departure(subscriber, reason, System.nanoTime()));
        LockSupport.unpark(thread);
    }

    /** Applies what is recorded by now, then ends the thread. */
    void stop() {
        stopping = true;
        LockSupport.unpark(thread);
    }

    /** How long the oldest close not yet applied has waited, in milliseconds; 0 when none waits. */
    long oldestMillis() {
        Departure oldest = pending.peek();
        return oldest == null ? 0 : TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - oldest.atNanos());
    }

    private void run() {
        List<Departure> batch = new ArrayList<>(BATCH);
        while (true) {
            Departure next;
            while (batch.size() < BATCH && (next = pending.poll()) != null) {
                batch.add(next);
            }
            if (batch.isEmpty()) {
                // Checked again after reading the flag: a drain's closes recorded just before stop() are applied.
                if (stopping && pending.isEmpty()) {
                    stopped = true;
                    return;
                }
                // Nothing interrupts this thread on purpose; a stray interrupt must not make park return at once.
                Thread.interrupted();
                // Woken by add(); the timeout only guards against a lost wake-up.
                LockSupport.parkNanos(this, TimeUnit.SECONDS.toNanos(1));
                continue;
            }
            try {
                apply.accept(batch);
            } catch (RuntimeException | Error e) {
                // The thread must outlive any one batch: every later close depends on it.
                LOG.log(Level.SEVERE, "applying " + batch.size() + " closed connections failed", e);
            }
            batch.clear();
        }
    }
}
