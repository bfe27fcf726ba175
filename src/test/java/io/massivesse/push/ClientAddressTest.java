package io.massivesse.push;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClientAddressTest {

    @Test
    void withoutTrustedProxiesTheHeaderIsIgnored() {
        ClientAddress none = ClientAddress.trusting(List.of());
        assertThat(none.of("203.0.113.9", "198.51.100.1")).isEqualTo("203.0.113.9");
        assertThat(none.of("203.0.113.9", null)).isEqualTo("203.0.113.9");
    }

    @Test
    void throughATrustedProxyTheNearestUntrustedHopIsTheClient() {
        ClientAddress trusting = ClientAddress.trusting(List.of("10.0.0.0/8", "192.168.1.7", "fd00::/8"));
        assertThat(trusting.of("10.1.2.3", "198.51.100.1")).isEqualTo("198.51.100.1");
        // A client may send its own X-Forwarded-For; only what trusted proxies appended counts.
        assertThat(trusting.of("10.1.2.3", "1.1.1.1, 198.51.100.1, 10.9.9.9")).isEqualTo("198.51.100.1");
        assertThat(trusting.of("192.168.1.7", "198.51.100.2")).isEqualTo("198.51.100.2");
        assertThat(trusting.of("fd12::1", "2001:db8::5")).isEqualTo("2001:db8::5");
        // Everyone in the chain trusted: the farthest one.
        assertThat(trusting.of("10.1.2.3", "10.0.0.5")).isEqualTo("10.0.0.5");
    }

    @Test
    void anUntrustedPeerIsTheClientWhateverItSays() {
        ClientAddress trusting = ClientAddress.trusting(List.of("10.0.0.0/8"));
        assertThat(trusting.of("203.0.113.9", "10.0.0.1")).isEqualTo("203.0.113.9");
        assertThat(trusting.of("11.0.0.1", "198.51.100.1")).isEqualTo("11.0.0.1");
    }

    @Test
    void aGarbledOrHostNameHopIsNeverLookedUpOrBelieved() {
        ClientAddress trusting = ClientAddress.trusting(List.of("10.0.0.0/8"));
        assertThat(trusting.of("10.1.2.3", "example.com")).isEqualTo("10.1.2.3");
        assertThat(trusting.of("10.1.2.3", "198.51.100.1, 999.1.1.1")).isEqualTo("10.1.2.3");
        assertThat(trusting.of("10.1.2.3", "unknown, 198.51.100.1")).isEqualTo("198.51.100.1");
    }

    @Test
    void badSettingsAreRefusedAtStart() {
        assertThatThrownBy(() -> ClientAddress.trusting(List.of("proxy.internal"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ClientAddress.trusting(List.of("10.0.0.0/33"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ClientAddress.trusting(List.of("10.0.0.0/x"))).isInstanceOf(IllegalArgumentException.class);
    }
}
