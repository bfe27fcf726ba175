package io.massivesse.push;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.HashSet;
import java.util.Set;

import jdk.net.ExtendedSocketOptions;

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

    /** Streams that go quiet together must not probe together: the kernel fires their timers in one batch. */
    @Test
    void eachSocketGetsItsOwnKeepaliveTimesWithinTheSilenceAllowed() throws IOException {
        VanishedClients defaults = new VanishedClients(30);
        assertThat(defaults.toString()).contains("per socket 7-14 s idle, probes 2-4 s apart");
        Set<Integer> idles = new HashSet<>();
        Set<Integer> intervals = new HashSet<>();
        try (ServerSocketChannel server = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            for (int i = 0; i < 60; i++) {
                try (SocketChannel client = SocketChannel.open(server.getLocalAddress());
                     SocketChannel accepted = server.accept()) {
                    defaults.watch(accepted);
                    assertThat(accepted.getOption(StandardSocketOptions.SO_KEEPALIVE)).isTrue();
                    idles.add(accepted.getOption(ExtendedSocketOptions.TCP_KEEPIDLE));
                    intervals.add(accepted.getOption(ExtendedSocketOptions.TCP_KEEPINTERVAL));
                }
            }
        }
        assertThat(idles).allSatisfy(idle -> assertThat(idle).isBetween(7, 14)).hasSizeGreaterThan(4);
        assertThat(intervals).allSatisfy(interval -> assertThat(interval).isBetween(2, 4)).hasSizeGreaterThan(1);
    }

    @Test
    void aSocketWhoseStateCannotBeReadIsNeverCalledVanished() {
        assertThat(new VanishedClients(30).vanished(-1, new Silence())).isFalse();
    }
}
