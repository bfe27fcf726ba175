package io.massivesse.hub;

import java.util.stream.LongStream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The heartbeat's slices (the pings themselves: HubTest, DeliveryIT). */
class StreamClockTest {

    @Test
    void everyStreamIsInExactlyOneSliceOfEachInterval() {
        int interval = 30;
        for (long serial = 1; serial <= 1_000; serial++) {
            long s = serial;
            for (long first = 0; first < 3 * interval; first += interval) {
                assertThat(LongStream.range(first, first + interval).filter(tick -> StreamClock.inSlice(s, tick, interval)).count())
                        .as("connection %d, ticks from %d", serial, first).isEqualTo(1);
            }
        }
    }

    @Test
    void aTickTakesAboutAnIntervalsShareOfTheStreams() {
        int interval = 30;
        for (long tick = 0; tick < interval; tick++) {
            long t = tick;
            assertThat(LongStream.rangeClosed(1, 30_000).filter(serial -> StreamClock.inSlice(serial, t, interval)).count())
                    .isEqualTo(1_000);
        }
    }

    @Test
    void aOneSecondIntervalTakesEveryStreamEveryTick() {
        assertThat(LongStream.rangeClosed(1, 100).allMatch(serial -> StreamClock.inSlice(serial, 7, 1))).isTrue();
    }
}
