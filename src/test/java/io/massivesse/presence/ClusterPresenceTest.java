package io.massivesse.presence;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.massivesse.event.Topics;
import io.massivesse.hub.CloseReason;
import io.massivesse.hub.DuplicatePolicy;
import io.massivesse.hub.Hub;
import io.massivesse.hub.HistorySettings;
import io.massivesse.hub.HubMetrics;
import io.massivesse.hub.HubSettings;
import io.massivesse.hub.RecordingStream;
import io.massivesse.hub.Subscriber;
import io.massivesse.relay.ControlMessage;
import io.massivesse.relay.ControlRelay;
import io.massivesse.relay.OpenedConnection;
import io.massivesse.relay.RelayUnavailableException;

import static org.assertj.core.api.Assertions.assertThat;

class ClusterPresenceTest {

    /** The control and presence relays of one node: records what is sent, and fails while told to. */
    static final class RecordingRelay implements ControlRelay, PresenceRelay {
        final List<List<OpenedConnection>> batches = new CopyOnWriteArrayList<>();
        final List<String> nodes = new CopyOnWriteArrayList<>();
        final List<List<PresenceChange>> presence = new CopyOnWriteArrayList<>();
        final List<List<String>> departures = new CopyOnWriteArrayList<>();
        volatile boolean down;

        /** While set, the first departures sent wait here: a flush held in the middle of its sending. */
        volatile CountDownLatch holdDepartures;
        final CountDownLatch departuresHeld = new CountDownLatch(1);

        @Override
        public void send(ControlMessage message) throws RelayUnavailableException {
            if (down && (message instanceof ControlMessage.Connected || message instanceof ControlMessage.Disconnected)) {
                throw new RelayUnavailableException("broker down", null);
            }
            if (message instanceof ControlMessage.Connected connected) {
                nodes.add(connected.node());
                batches.add(List.copyOf(connected.connections()));
            } else if (message instanceof ControlMessage.Disconnected disconnected) {
                departures.add(List.copyOf(disconnected.userIds()));
                CountDownLatch hold = holdDepartures;
                if (hold != null) {
                    holdDepartures = null;
                    departuresHeld.countDown();
                    try {
                        hold.await(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        }

        @Override
        public void publish(String nodeId, List<PresenceChange> changes) throws RelayUnavailableException {
            if (down) {
                throw new RelayUnavailableException("broker down", null);
            }
            presence.add(List.copyOf(changes));
        }

        @Override
        public List<PresenceAnswer> ask(PresenceQuestion question, Set<String> expected, long timeoutMillis) {
            throw new UnsupportedOperationException();
        }
    }


    private Hub hub;

    private ClusterPresence cluster(DuplicatePolicy policy, RecordingRelay relay) {
        hub = new Hub(new HubSettings("node-a", 10, 30, 30, 1000, 20_000, 5, policy, HistorySettings.NONE, 64, 0), HubMetrics.NONE);
        ClusterPresence cluster = new ClusterPresence();
        cluster.hub = hub;
        cluster.control = relay;
        cluster.presenceRelay = relay;
        hub.watch(cluster);
        return cluster;
    }

    @AfterEach
    void stopHub() {
        hub.shutdown();
    }

    @Test
    void connectionsAreAnnouncedInBatchesWithTheirOpeningTime() {
        RecordingRelay relay = new RecordingRelay();
        ClusterPresence cluster = cluster(DuplicatePolicy.REPLACE, relay);
        Subscriber alice = hub.subscribe("alice", new RecordingStream(), null, Topics.NONE);
        Subscriber bob = hub.subscribe("bob", new RecordingStream(), null, Topics.NONE);
        cluster.flush();
        assertThat(relay.batches).containsExactly(List.of(new OpenedConnection("alice", alice.openedAt()),
                new OpenedConnection("bob", bob.openedAt())));
        assertThat(relay.nodes).containsExactly("node-a");
        cluster.flush();
        assertThat(relay.batches).hasSize(1);
    }

    @Test
    void aRampIsSplitIntoBoundedBatches() {
        RecordingRelay relay = new RecordingRelay();
        ClusterPresence cluster = cluster(DuplicatePolicy.REPLACE, relay);
        int count = ClusterPresence.MAX_BATCH * 2 + 7;
        for (int i = 0; i < count; i++) {
            hub.subscribe("u" + i, new RecordingStream(), null, Topics.NONE);
        }
        cluster.flush();
        assertThat(relay.batches).extracting(List::size)
                .containsExactly(ClusterPresence.MAX_BATCH, ClusterPresence.MAX_BATCH, 7);
    }

    @Test
    void underAllowNothingIsAnnounced() {
        RecordingRelay relay = new RecordingRelay();
        ClusterPresence cluster = cluster(DuplicatePolicy.ALLOW, relay);
        hub.subscribe("alice", new RecordingStream(), null, Topics.NONE);
        cluster.flush();
        assertThat(relay.batches).isEmpty();
    }

    @Test
    void aBrokerOutageDropsWhatIsPendingInsteadOfPilingItUp() {
        RecordingRelay relay = new RecordingRelay();
        ClusterPresence cluster = cluster(DuplicatePolicy.REPLACE, relay);
        relay.down = true;
        hub.subscribe("alice", new RecordingStream(), null, Topics.NONE);
        cluster.flush();
        relay.down = false;
        cluster.flush();
        assertThat(relay.batches).isEmpty();
        hub.subscribe("bob", new RecordingStream(), null, Topics.NONE);
        cluster.flush();
        assertThat(relay.batches).singleElement().extracting(batch -> batch.get(0).userId()).isEqualTo("bob");
    }

    @Test
    void presenceChangesWaitForABrokerThatIsAwayAndGoOutInOrder() {
        RecordingRelay relay = new RecordingRelay();
        ClusterPresence cluster = cluster(DuplicatePolicy.ALLOW, relay);
        long now = System.currentTimeMillis();
        cluster.track(new Presence(new PresenceSettings("node-a", 0, 0, 2_000), now));
        relay.down = true;
        Subscriber alice = hub.subscribe("alice", new RecordingStream(), null, Topics.NONE);
        cluster.flush();
        assertThat(relay.presence).isEmpty();
        relay.down = false;
        Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            cluster.flush();
            assertThat(relay.presence.stream().flatMap(List::stream).map(PresenceChange::kind))
                    .containsExactly(PresenceChange.Kind.NODE_UP, PresenceChange.Kind.ONLINE);
        });
        // Presence on: every connection is announced, under allow too, so the other nodes can claim the user.
        hub.subscribe("bob", new RecordingStream(), null, Topics.NONE);
        cluster.flush();
        assertThat(relay.batches).flatExtracting(batch -> batch).extracting(OpenedConnection::userId).contains("bob");
        alice.close(CloseReason.CLIENT_GONE);
        Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            cluster.flush();
            assertThat(relay.presence.stream().flatMap(List::stream).map(PresenceChange::kind))
                    .endsWith(PresenceChange.Kind.OFFLINE);
        });
        assertThat(relay.departures).containsExactly(List.of("alice"));
    }

    @Test
    void theNodeDownOfAStopGoesOutAfterTheChangesAFlushBesideItTook() throws Exception {
        RecordingRelay relay = new RecordingRelay();
        ClusterPresence cluster = cluster(DuplicatePolicy.ALLOW, relay);
        cluster.track(new Presence(new PresenceSettings("node-a", 0, 0, 2_000), System.currentTimeMillis()));
        Subscriber alice = hub.subscribe("alice", new RecordingStream(), null, Topics.NONE);
        Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            cluster.flush();
            assertThat(relay.presence.stream().flatMap(List::stream).map(PresenceChange::kind)).contains(PresenceChange.Kind.ONLINE);
        });
        alice.close(CloseReason.CLIENT_GONE);
        // The timer's flush takes alice's offline and is held while it sends her departure.
        CountDownLatch release = new CountDownLatch(1);
        relay.holdDepartures = release;
        CompletableFuture<Void> timer = CompletableFuture.runAsync(() -> Awaitility.await().atMost(Duration.ofSeconds(5))
                .until(() -> {
                    cluster.flush();
                    return relay.departuresHeld.getCount() == 0;
                }));
        assertThat(relay.departuresHeld.await(10, TimeUnit.SECONDS)).isTrue();
        // The node stops meanwhile.
        CompletableFuture<Void> leave = CompletableFuture.runAsync(cluster::leave);
        try {
            leave.get(300, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException waitsForTheFlush) {
            // Expected: the leave waits for the flush in progress.
        }
        release.countDown();
        timer.get(10, TimeUnit.SECONDS);
        leave.get(10, TimeUnit.SECONDS);

        assertThat(relay.presence.stream().flatMap(List::stream).map(PresenceChange::kind))
                .endsWith(PresenceChange.Kind.OFFLINE, PresenceChange.Kind.NODE_DOWN);
    }
}
