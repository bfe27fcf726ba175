package io.massivesse.relay;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.massivesse.event.Topics;
import io.massivesse.event.Update;
import io.massivesse.hub.DuplicatePolicy;
import io.massivesse.hub.Hub;
import io.massivesse.hub.HubMetrics;
import io.massivesse.hub.HubSettings;
import io.massivesse.hub.RecordingStream;
import io.massivesse.hub.Subscriber;

import static org.assertj.core.api.Assertions.assertThat;

class ConnectionAnnouncerTest {

    /** A relay that records announcements, and fails while told to. */
    static final class RecordingRelay implements Relay {
        final List<List<OpenedConnection>> batches = new CopyOnWriteArrayList<>();
        final List<String> nodes = new CopyOnWriteArrayList<>();
        volatile boolean down;

        @Override
        public void publish(Update update) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void announceConnections(String nodeId, List<OpenedConnection> connections) throws RelayUnavailableException {
            if (down) {
                throw new RelayUnavailableException("broker down", null);
            }
            nodes.add(nodeId);
            batches.add(List.copyOf(connections));
        }

        @Override
        public void changeSubscriptions(String userId, List<String> added, List<String> removed) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean isAvailable() {
            return !down;
        }
    }


    private Hub hub;

    private ConnectionAnnouncer announcer(DuplicatePolicy policy, RecordingRelay relay) {
        hub = new Hub(new HubSettings("node-a", 10, 30, 30, 1000, 20_000, 5, policy, 0, 0, 64), HubMetrics.NONE);
        ConnectionAnnouncer announcer = new ConnectionAnnouncer();
        announcer.hub = hub;
        announcer.relay = relay;
        return announcer;
    }

    @AfterEach
    void stopHub() {
        hub.shutdown();
    }

    @Test
    void connectionsAreAnnouncedInBatchesWithTheirOpeningTime() {
        RecordingRelay relay = new RecordingRelay();
        ConnectionAnnouncer announcer = announcer(DuplicatePolicy.REPLACE, relay);
        Subscriber alice = hub.subscribe("alice", new RecordingStream(), null, Topics.NONE);
        Subscriber bob = hub.subscribe("bob", new RecordingStream(), null, Topics.NONE);
        announcer.announce(alice);
        announcer.announce(bob);
        announcer.flush();
        assertThat(relay.batches).containsExactly(List.of(new OpenedConnection("alice", alice.openedAt()),
                new OpenedConnection("bob", bob.openedAt())));
        assertThat(relay.nodes).containsExactly("node-a");
        announcer.flush();
        assertThat(relay.batches).hasSize(1);
    }

    @Test
    void aRampIsSplitIntoBoundedBatches() {
        RecordingRelay relay = new RecordingRelay();
        ConnectionAnnouncer announcer = announcer(DuplicatePolicy.REPLACE, relay);
        int count = ConnectionAnnouncer.MAX_BATCH * 2 + 7;
        for (int i = 0; i < count; i++) {
            announcer.announce(hub.subscribe("u" + i, new RecordingStream(), null, Topics.NONE));
        }
        announcer.flush();
        assertThat(relay.batches).extracting(List::size)
                .containsExactly(ConnectionAnnouncer.MAX_BATCH, ConnectionAnnouncer.MAX_BATCH, 7);
    }

    @Test
    void underAllowNothingIsAnnounced() {
        RecordingRelay relay = new RecordingRelay();
        ConnectionAnnouncer announcer = announcer(DuplicatePolicy.ALLOW, relay);
        announcer.announce(hub.subscribe("alice", new RecordingStream(), null, Topics.NONE));
        announcer.flush();
        assertThat(relay.batches).isEmpty();
    }

    @Test
    void aBrokerOutageDropsWhatIsPendingInsteadOfPilingItUp() {
        RecordingRelay relay = new RecordingRelay();
        ConnectionAnnouncer announcer = announcer(DuplicatePolicy.REPLACE, relay);
        relay.down = true;
        announcer.announce(hub.subscribe("alice", new RecordingStream(), null, Topics.NONE));
        announcer.flush();
        relay.down = false;
        announcer.flush();
        assertThat(relay.batches).isEmpty();
        announcer.announce(hub.subscribe("bob", new RecordingStream(), null, Topics.NONE));
        announcer.flush();
        assertThat(relay.batches).singleElement().extracting(batch -> batch.get(0).userId()).isEqualTo("bob");
    }
}
