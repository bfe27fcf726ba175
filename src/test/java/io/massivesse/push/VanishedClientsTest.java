package io.massivesse.push;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The rule and the clocks beneath the vanished-client look (the look itself: ClientCloseIT, bench/vanish.sh). */
class VanishedClientsTest {

    @Test
    void onlyWhatWaitsForThePeerCountsAsUnanswered() {
        assertThat(TcpState.unanswered(0, 0, 60_000)).as("nothing in flight, no probe: a quiet live stream").isEqualTo(-1);
        assertThat(TcpState.unanswered(0, 2, 16_000)).as("data unacknowledged").isEqualTo(16_000);
        assertThat(TcpState.unanswered(1, 0, 9_000)).as("a keepalive or zero-window probe out").isEqualTo(9_000);
    }

    @Test
    void halfTheHeartbeatIsAllowedLookedAtFiveTimesAndNeverBelowTwoSeconds() {
        VanishedClients defaults = new VanishedClients(30);
        assertThat(defaults.checkMillis()).isEqualTo(3000);
        assertThat(defaults.toString()).contains("keepalive after 7 s idle, 5 probes 3 s apart");
        VanishedClients tests = new VanishedClients(1);
        assertThat(tests.checkMillis()).isEqualTo(400);
        assertThat(tests.toString()).contains("keepalive after 1 s idle");
    }

    @Test
    void aSocketWhoseStateCannotBeReadIsNeverCalledVanished() {
        assertThat(new VanishedClients(30).vanished(-1)).isFalse();
    }
}
