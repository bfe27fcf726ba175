package io.massivesse.push;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The vanished-client rule on the kernel's figures as looks every 3 s (heartbeat 30 s: 15 s of silence allowed)
 * would read them: the age of the peer's last answer while something waits for it, -1 when nothing does.
 */
class SilenceTest {

    private static final long SILENCE = 15_000;

    /** Looks at the given instants (ms) at a peer that last answered at {@code answeredAt}, something out since {@code outAt}. */
    private static boolean[] look(Silence silence, long answeredAt, long outAt, long... instants) {
        boolean[] verdicts = new boolean[instants.length];
        for (int i = 0; i < instants.length; i++) {
            long now = instants[i];
            verdicts[i] = silence.exceeds(now >= outAt ? now - answeredAt : -1, now, SILENCE);
        }
        return verdicts;
    }

    @Test
    void aHeartbeatToAStreamAnsweredLongAgoIsNotSilenceTheInstantItLeaves() {
        Silence silence = new Silence();
        // Answered at 0, quiet since; a heartbeat leaves at 14,900: the look at 15,100 reads 15.1 s unanswered.
        assertThat(look(silence, 0, 14_900, 3_100, 6_100, 9_100, 12_100, 15_100)).containsOnly(false);
        // Its answer arrives before the next look.
        assertThat(silence.exceeds(-1, 18_100, SILENCE)).isFalse();
    }

    @Test
    void aHealthyPeerWhoseAnswerIsSecondsLateOnABusyLoopbackIsKept() {
        Silence silence = new Silence();
        // Five drops in a row: retransmits after 0.2, 0.4, 0.8, 1.6, 3.2 s, answered 6.2 s after it left.
        assertThat(look(silence, 0, 14_900, 15_100, 18_100, 21_100)).containsOnly(false);
        assertThat(silence.exceeds(6_000, 24_100, SILENCE)).as("answered at 21,100, something out again").isFalse();
    }

    @Test
    void aBusyStreamWhoseClientVanishedIsGivenUpOnceItsLastAnswerIsOlderThanTheSilence() {
        Silence silence = new Silence();
        // Vanished at 0 with an event a second: data waits from the first look on.
        assertThat(look(silence, 0, 0, 1_000, 4_000, 7_000, 10_000, 13_000)).containsOnly(false);
        assertThat(silence.exceeds(16_000, 16_000, SILENCE)).isTrue();
    }

    @Test
    void aQuietStreamWhoseClientVanishedIsGivenUpWithinTheHeartbeat() {
        Silence silence = new Silence();
        // Vanished at 0 after its last answer; keepalive's first probe leaves after the longest idle, 14 s.
        assertThat(look(silence, 0, 14_000, 2_000, 5_000, 8_000, 11_000, 14_500, 17_500, 20_500)).containsOnly(false);
        assertThat(silence.exceeds(23_500, 23_500, SILENCE)).as("the same wait seen for 9 s, unanswered 23.5 s").isTrue();
    }

    @Test
    void everyNewAnswerStartsANewWait() {
        Silence silence = new Silence();
        // A stream always busy, its peer answering now and then but never between the looks.
        for (long now = 16_000, answered = 0; now < 120_000; now += 3_000, answered += 2_000) {
            assertThat(silence.exceeds(now - answered, now, SILENCE)).as("at %d", now).isFalse();
        }
    }

    @Test
    void nothingWaitingEndsTheWait() {
        Silence silence = new Silence();
        assertThat(silence.exceeds(10_000, 10_000, SILENCE)).isFalse();
        assertThat(silence.exceeds(-1, 13_000, SILENCE)).isFalse();
        assertThat(silence.exceeds(16_000, 16_000, SILENCE)).as("seen again, but only now").isFalse();
        assertThat(silence.exceeds(24_000, 24_000, SILENCE)).as("the same wait seen for 8 s").isTrue();
    }
}
