package io.massivesse.hub;

import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs writer bursts on a few platform threads, because a write to a reading client returns at
 * once and a virtual thread started per burst costs a fifth more node CPU (docs/BENCHMARKS.md).
 * A write to a client that stopped reading blocks until the write timeout, so a watchdog retires
 * a thread whose burst has run longer than {@code stuckMillis} and starts another in its place;
 * while {@code maxStuck} retired threads are still blocked, bursts go to the fallback instead.
 */
final class WriterPool implements Executor {

    private static final Logger LOG = Logger.getLogger(WriterPool.class.getName());
    private static final long IDLE = 0;
    private static final long RETIRED = -1;

    private final LinkedBlockingQueue<Runnable> ready = new LinkedBlockingQueue<>();
    private final Worker[] workers;
    private final Executor fallback;
    private final int maxStuck;
    private final long stuckNanos;
    /** Retired threads still inside their burst. */
    private final AtomicInteger stuck = new AtomicInteger();
    private final AtomicInteger started = new AtomicInteger();
    /** Busy times are kept relative to this, so that a busy mark is always above IDLE. */
    private final long origin = System.nanoTime() - 1;

    WriterPool(int threads, long stuckMillis, int maxStuck, Executor fallback) {
        this.workers = new Worker[threads];
        this.fallback = fallback;
        this.maxStuck = maxStuck;
        this.stuckNanos = TimeUnit.MILLISECONDS.toNanos(stuckMillis);
        for (int i = 0; i < threads; i++) {
            workers[i] = start();
        }
        Thread watchdog = new Thread(this::watch, "sse-writer-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
    }

    @Override
    public void execute(Runnable burst) {
        if (stuck.get() >= maxStuck) {
            fallback.execute(burst);
        } else {
            ready.add(burst);
        }
    }

    /** Platform threads retired because a write blocked, and not yet back. */
    int stuckThreads() {
        return stuck.get();
    }

    private Worker start() {
        Worker worker = new Worker();
        Thread thread = new Thread(worker, "sse-writer-" + started.incrementAndGet());
        thread.setDaemon(true);
        thread.start();
        return worker;
    }

    private void watch() {
        long tick = Math.max(1, TimeUnit.NANOSECONDS.toMillis(stuckNanos) / 2);
        while (true) {
            try {
                Thread.sleep(tick);
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime() - origin;
            for (int i = 0; i < workers.length; i++) {
                long busySince = workers[i].state.get();
                if (busySince > IDLE && now - busySince > stuckNanos && workers[i].state.compareAndSet(busySince, RETIRED)) {
                    stuck.incrementAndGet();
                    workers[i] = start();
                }
            }
        }
    }

    private final class Worker implements Runnable {
        /** IDLE, RETIRED, or when the running burst began. */
        final AtomicLong state = new AtomicLong(IDLE);

        @Override
        public void run() {
            while (true) {
                Runnable burst;
                try {
                    burst = ready.take();
                } catch (InterruptedException e) {
                    return;
                }
                long began = System.nanoTime() - origin;
                state.set(began);
                try {
                    burst.run();
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "writer burst failed", e);
                }
                if (!state.compareAndSet(began, IDLE)) {
                    // Retired by the watchdog while this burst blocked: another thread has this slot now.
                    stuck.decrementAndGet();
                    return;
                }
            }
        }
    }
}
