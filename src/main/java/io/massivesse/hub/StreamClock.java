package io.massivesse.hub;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.massivesse.event.SseFrames;

/**
 * The hub's clock, one thread: every heartbeat interval a ping to each quiet stream and the end of slow
 * consumers; every second the end of streams whose deadline (token expiry) passed. Its last tick is the
 * hub's own sign of life for the liveness check.
 *
 * <p>The heartbeat ticks every second and takes one slice of the streams each time (by connection number), so
 * each stream still gets its ping every interval but a node's streams do not all get theirs in the same second:
 * 100,000 pings at once (six nodes started together tick together) overflowed loopback's receive queue, the
 * retransmits of the dropped ones left together and were dropped again, and healthy clients looked vanished.
 */
final class StreamClock {

    private static final Logger LOG = Logger.getLogger(StreamClock.class.getName());

    private final HubSettings settings;
    private final Connections connections;
    private final Deadlines deadlines;
    private final ScheduledExecutorService timer;
    private volatile long lastBeatNanos = System.nanoTime();
    /** Heartbeat ticks so far: which slice of the streams the next one takes. */
    private long ticks;

    /** @param everySecond work the hub does once a second, beside ending due streams */
    StreamClock(HubSettings settings, Connections connections, Deadlines deadlines, Runnable everySecond) {
        this.settings = settings;
        this.connections = connections;
        this.deadlines = deadlines;
        this.timer = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "sse-heartbeat");
            thread.setDaemon(true);
            return thread;
        });
        timer.scheduleAtFixedRate(this::beat, 1, 1, TimeUnit.SECONDS);
        timer.scheduleAtFixedRate(this::endDueStreams, 1, 1, TimeUnit.SECONDS);
        timer.scheduleAtFixedRate(() -> {
            try {
                everySecond.run();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "the hub's work of the second failed", e);
            }
        }, 1, 1, TimeUnit.SECONDS);
    }

    void stop() {
        timer.shutdownNow();
    }

    /** Milliseconds since the last heartbeat tick ran. */
    long millisSinceBeat() {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastBeatNanos);
    }

    /** Whether the stream with this connection number is in the slice the given tick takes. */
    static boolean inSlice(long serial, long tick, int heartbeatSeconds) {
        return Math.floorMod(serial, heartbeatSeconds) == Math.floorMod(tick, heartbeatSeconds);
    }

    /** A ping to every quiet stream of this tick's slice (which also finds clients that vanished) and the slow-consumer check. */
    private void beat() {
        try {
            long now = System.nanoTime();
            lastBeatNanos = now;
            long tick = ticks++;
            int interval = settings.heartbeatSeconds();
            long slowNanos = TimeUnit.SECONDS.toNanos(settings.slowConsumerSeconds());
            // Half an interval: a stream skipped now gets its next frame within 1.5 intervals at the latest.
            long quietNanos = TimeUnit.SECONDS.toNanos(interval) / 2;
            // On the pool's threads, beside fan-outs: a close (a slow consumer, a failed ping) only records a departure.
            connections.forEachInParallel(subscriber -> {
                if (!inSlice(subscriber.serial(), tick, interval)) {
                    return;
                }
                if (subscriber.fullLongerThan(slowNanos, now)) {
                    subscriber.close(CloseReason.SLOW_CONSUMER);
                } else {
                    subscriber.heartbeat(now, quietNanos);
                }
            });
        } catch (RuntimeException e) {
            // A failed tick must not cancel the schedule.
            LOG.log(Level.WARNING, "heartbeat tick failed", e);
        }
    }

    /** Streams whose tokens expired get {@code event: token-expired} and end. */
    private void endDueStreams() {
        try {
            for (Subscriber due : deadlines.takeDue(System.currentTimeMillis())) {
                due.closeAfter(SseFrames.tokenExpired(due.userId()), CloseReason.TOKEN_EXPIRED);
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "ending expired streams failed", e);
        }
    }
}
