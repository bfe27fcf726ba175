package io.massivesse.push;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;

/**
 * One rate limit: a token bucket (Bucket4j) per key (a publisher, a client address), refilled at
 * {@code perSecond} up to {@code burst}. A rate of 0 turns it off. Buckets that are full again are
 * forgotten once there are many, so a stream of one-time addresses does not grow the map for ever.
 */
public final class RateLimit {

    /** Above this many keys, full buckets are dropped (at most once a second). */
    static final int SWEEP_ABOVE = 100_000;

    private final long perSecond;
    private final long burst;
    private final TimeMeter clock;
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final AtomicLong lastSweepNanos = new AtomicLong();

    public RateLimit(long perSecond, long burst) {
        this(perSecond, burst, TimeMeter.SYSTEM_NANOTIME);
    }

    RateLimit(long perSecond, long burst, TimeMeter clock) {
        if (perSecond < 0 || burst < 0) {
            throw new IllegalArgumentException("a rate limit needs a rate and a burst of 0 or more: " + perSecond + "/" + burst);
        }
        this.perSecond = perSecond;
        // A burst below the rate would refuse calls the rate allows.
        this.burst = Math.max(burst, perSecond);
        this.clock = clock;
    }

    public boolean isOff() {
        return perSecond == 0;
    }

    /** Takes one call of the key's allowance: 0 when it may go on, otherwise the nanoseconds until it may. */
    public long take(String key) {
        if (isOff()) {
            return 0;
        }
        ConsumptionProbe probe = buckets.computeIfAbsent(key, unused -> newBucket()).tryConsumeAndReturnRemaining(1);
        if (buckets.size() > SWEEP_ABOVE) {
            sweep();
        }
        return probe.isConsumed() ? 0 : Math.max(1, probe.getNanosToWaitForRefill());
    }

    /** Keys with a bucket now (full ones may still be among them until a sweep). */
    int keys() {
        return buckets.size();
    }

    private Bucket newBucket() {
        return Bucket.builder()
                .addLimit(limit -> limit.capacity(burst).refillGreedy(perSecond, Duration.ofSeconds(1)))
                .withCustomTimePrecision(clock)
                .build();
    }

    private void sweep() {
        long now = clock.currentTimeNanos();
        long last = lastSweepNanos.get();
        if (now - last < TimeUnit.SECONDS.toNanos(1) || !lastSweepNanos.compareAndSet(last, now)) {
            return;
        }
        // A full bucket is the same as no bucket: dropping it forgets nothing.
        buckets.values().removeIf(bucket -> bucket.getAvailableTokens() >= burst);
    }

    @Override
    public String toString() {
        return isOff() ? "off" : perSecond + "/s, burst " + burst;
    }
}
