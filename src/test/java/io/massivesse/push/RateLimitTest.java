package io.massivesse.push;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import io.github.bucket4j.TimeMeter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RateLimitTest {

    /** A clock the test moves. */
    private static final class Clock implements TimeMeter {
        final AtomicLong nanos = new AtomicLong(TimeUnit.SECONDS.toNanos(1000));

        @Override
        public long currentTimeNanos() {
            return nanos.get();
        }

        @Override
        public boolean isWallClockBased() {
            return false;
        }

        void advanceMillis(long millis) {
            nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
        }
    }

    @Test
    void aKeyGetsItsBurstThenTheRateAndOtherKeysTheirOwn() {
        Clock clock = new Clock();
        RateLimit limit = new RateLimit(2, 5, clock);
        for (int i = 0; i < 5; i++) {
            assertThat(limit.take("a")).as("call %d", i).isZero();
        }
        long wait = limit.take("a");
        assertThat(wait).isPositive().isLessThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(500));
        assertThat(limit.take("b")).isZero();
        clock.advanceMillis(500);
        assertThat(limit.take("a")).isZero();
        assertThat(limit.take("a")).isPositive();
        clock.advanceMillis(10_000);
        // Refilled to the burst, never beyond it.
        for (int i = 0; i < 5; i++) {
            assertThat(limit.take("a")).isZero();
        }
        assertThat(limit.take("a")).isPositive();
    }

    @Test
    void aRateOfZeroIsOff() {
        RateLimit off = new RateLimit(0, 0);
        assertThat(off.isOff()).isTrue();
        for (int i = 0; i < 10_000; i++) {
            assertThat(off.take("a")).isZero();
        }
        assertThat(off.keys()).isZero();
    }

    @Test
    void aBurstBelowTheRateIsRaisedToIt() {
        RateLimit limit = new RateLimit(10, 1, new Clock());
        for (int i = 0; i < 10; i++) {
            assertThat(limit.take("a")).isZero();
        }
        assertThat(limit.take("a")).isPositive();
        assertThatThrownBy(() -> new RateLimit(-1, 5)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void fullBucketsAreForgottenWhenThereAreMany() {
        Clock clock = new Clock();
        RateLimit limit = new RateLimit(100, 100, clock);
        for (int i = 0; i <= RateLimit.SWEEP_ABOVE; i++) {
            limit.take("address-" + i);
        }
        assertThat(limit.keys()).isEqualTo(RateLimit.SWEEP_ABOVE + 1);
        clock.advanceMillis(2_000);
        // One new key past the bound sweeps: every bucket refilled in the meantime goes, the new one stays.
        limit.take("one-more");
        assertThat(limit.keys()).isEqualTo(1);
        // A key that is still being limited keeps its bucket through a sweep.
        for (int i = 0; i < 150; i++) {
            limit.take("busy");
        }
        assertThat(limit.take("busy")).isPositive();
    }
}
