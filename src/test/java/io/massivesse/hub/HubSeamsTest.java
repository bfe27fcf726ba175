package io.massivesse.hub;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.massivesse.event.Topics;
import io.massivesse.event.Update;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Each ordering of a connection's end against what adds state for it, forced rather than hoped for: one thread is
 * held at a seam of the hub while another closes the connection, then let go. Whatever the order, nothing the
 * connection added stays after it closed, and no capacity slot is lost.
 */
class HubSeamsTest {

    private final ExecutorService threads = Executors.newCachedThreadPool();
    private Hub hub;

    private Hub hub(int maxConnections, int replaySize, HubMetrics metrics) {
        hub = new Hub(new HubSettings("node-t", 100, 30, 30, 2000, maxConnections, 3, DuplicatePolicy.REPLACE,
                new HistorySettings(replaySize, replaySize, 300, 1 << 20), 3, 0), threads, metrics);
        return hub;
    }

    @AfterEach
    void stop() throws InterruptedException {
        hub.shutdown();
        threads.shutdownNow();
        threads.awaitTermination(5, TimeUnit.SECONDS);
    }

    /** Holds the first thread that reaches {@code point} until {@link #release()}. */
    private static final class Hold implements Seam {
        final String point;
        final CountDownLatch reached = new CountDownLatch(1);
        final CountDownLatch released = new CountDownLatch(1);
        final AtomicBoolean taken = new AtomicBoolean();

        Hold(String point) {
            this.point = point;
        }

        @Override
        public void reached(String at) {
            if (at.equals(point) && taken.compareAndSet(false, true)) {
                reached.countDown();
                try {
                    released.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        void awaitReached() throws InterruptedException {
            assertThat(reached.await(10, TimeUnit.SECONDS)).as("a thread reached " + point).isTrue();
        }

        void release() {
            released.countDown();
        }
    }

    /**
     * Closes on another thread while the held one has the dispatch lock: the close finishes at once (it only records
     * the departure, which the hub applies once the lock is free), so a close never waits for a transition.
     */
    private CompletableFuture<Void> closeBeside(Subscriber subscriber) throws Exception {
        CompletableFuture<Void> close = CompletableFuture.runAsync(() -> subscriber.close(CloseReason.REPLACED), threads);
        close.get(5, TimeUnit.SECONDS);
        return close;
    }

    @Test
    void aTopicChangeRacingAClosedConnectionLeavesNothingInTheTopicIndex() throws Exception {
        Hub hub = hub(100, 50, HubMetrics.NONE);
        Subscriber alice = hub.subscribe("alice", new RecordingStream(), null, Topics.NONE);
        Hold hold = new Hold(Seam.TOPICS_CHECKED);
        hub.seam(hold);

        CompletableFuture<Void> change = CompletableFuture.runAsync(
                () -> hub.changeTopics("alice", List.of("orders/42"), List.of()), threads);
        hold.awaitReached();
        CompletableFuture<Void> close = closeBeside(alice);
        hold.release();
        change.get(10, TimeUnit.SECONDS);
        close.get(10, TimeUnit.SECONDS);

        // A closed connection takes no event at once; its departure then clears what the change added.
        assertThat(hub.deliver(new Update("1", null, "late", null, "orders/42", 0))).isZero();
        await().atMost(5, TimeUnit.SECONDS).untilAsserted(() -> {
            assertThat(hub.listenersOf("orders/42")).isEmpty();
            assertThat(hub.activeTopics()).isZero();
            assertThat(hub.activeConnections()).isZero();
        });
    }

    @Test
    void aConnectionClosedWhileItsSubscribeIsUnderWayLeavesNoDeadlineAndNoTopic() throws Exception {
        Hub hub = hub(100, 50, HubMetrics.NONE);
        Hold hold = new Hold(Seam.REGISTERED);
        hub.seam(hold);
        long inAnHour = System.currentTimeMillis() + 3_600_000;

        CompletableFuture<Subscriber> subscribe = CompletableFuture.supplyAsync(
                () -> hub.subscribe("bob", new RecordingStream(), null, false, Topics.of(List.of("orders/7")), inAnHour), threads);
        hold.awaitReached();
        // A cluster-wide replace reaches the connection as soon as it is registered.
        Subscriber bob = hub.connectionsOf("bob").get(0);
        CompletableFuture<Void> close = closeBeside(bob);
        hold.release();
        subscribe.get(10, TimeUnit.SECONDS);
        close.get(10, TimeUnit.SECONDS);

        // The close is applied by the hub's departures thread, after the subscribe let go of the lock.
        await().atMost(5, TimeUnit.SECONDS).untilAsserted(() -> {
            assertThat(hub.streamsWithDeadline()).isZero();
            assertThat(hub.listenersOf("orders/7")).isEmpty();
            assertThat(hub.activeTopics()).isZero();
            assertThat(hub.connectionsOf("bob")).isEmpty();
            assertThat(hub.activeConnections()).isZero();
        });
    }

    @Test
    void aFailureBeforeTheConnectionIsRegisteredGivesItsCapacitySlotBack() {
        AtomicBoolean fail = new AtomicBoolean(true);
        Hub hub = hub(1, 50, new HubMetrics() {
            @Override
            public void resumed(ResumeOutcome outcome) {
                if (fail.getAndSet(false)) {
                    throw new IllegalStateException("metrics registry failed");
                }
            }
        });
        assertThatThrownBy(() -> hub.subscribe("carol", new RecordingStream(), "unknown-id", Topics.NONE))
                .isInstanceOf(IllegalStateException.class);

        assertThat(hub.activeConnections()).isZero();
        // The node's one slot is free: the next subscribe is admitted.
        assertThat(hub.subscribe("carol", new RecordingStream(), null, Topics.NONE).isClosed()).isFalse();
        assertThat(hub.activeConnections()).isEqualTo(1);
    }

    @Test
    void aFailureAfterTheConnectionIsRegisteredEndsItAndGivesEverythingBack() {
        Hub hub = hub(1, 50, HubMetrics.NONE);
        AtomicBoolean fail = new AtomicBoolean(true);
        List<Subscriber> closedHeard = new java.util.concurrent.CopyOnWriteArrayList<>();
        hub.watch(new ConnectionWatcher() {
            @Override
            public void opened(Subscriber subscriber) {
                if (fail.getAndSet(false)) {
                    throw new IllegalStateException("presence failed");
                }
            }

            @Override
            public void closed(Subscriber subscriber, CloseReason reason) {
                closedHeard.add(subscriber);
            }
        });
        RecordingStream stream = new RecordingStream();
        assertThatThrownBy(() -> hub.subscribe("dave", stream, null, false, Topics.of(List.of("news")), System.currentTimeMillis() + 60_000))
                .isInstanceOf(IllegalStateException.class);

        await().atMost(5, TimeUnit.SECONDS).untilAsserted(() -> {
            assertThat(hub.connectionsOf("dave")).isEmpty();
            assertThat(hub.listenersOf("news")).isEmpty();
            assertThat(hub.streamsWithDeadline()).isZero();
            assertThat(hub.activeConnections()).isZero();
        });
        // Presence never heard of the open, so it hears of no close (it would count down another connection).
        assertThat(closedHeard).isEmpty();
        // Nothing was sent on the stream: the caller answers with the error.
        assertThat(stream.opened).isFalse();
        assertThat(hub.subscribe("dave", new RecordingStream(), null, Topics.NONE).isClosed()).isFalse();
    }

    @Test
    void withReplayOffAnEventTheBrokerHandsOverAgainIsStillFannedOutOnce() {
        Hub hub = hub(100, 0, HubMetrics.NONE);
        RecordingStream stream = new RecordingStream();
        hub.subscribe("erin", stream, null, Topics.NONE);
        assertThat(hub.deliver(new Update("1", null, "first", null, 0))).isEqualTo(1);
        assertThat(hub.deliver(new Update("1", null, "first", null, 0))).isEqualTo(Hub.REDELIVERED);
        assertThat(hub.deliver(new Update("2", null, "second", null, 0))).isEqualTo(1);
        await().atMost(5, TimeUnit.SECONDS).until(() -> stream.events().size() == 3);
        assertThat(stream.events().subList(1, 3)).containsExactly("id: 1\ndata: first\n\n", "id: 2\ndata: second\n\n");
    }

    @Test
    void theWatcherHearsOfAnOpenBeforeTheCloseOfAStreamThatEndsAtOnce() {
        Hub hub = hub(100, 50, HubMetrics.NONE);
        List<String> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
        hub.watch(new ConnectionWatcher() {
            @Override
            public void opened(Subscriber subscriber) {
                heard.add("opened");
            }

            @Override
            public void closed(Subscriber subscriber, CloseReason reason) {
                heard.add("closed");
            }
        });
        // The client is gone before the response is committed: the stream ends during the subscribe.
        EventStream gone = new EventStream() {
            @Override
            public void open() throws java.io.IOException {
                throw new java.io.IOException("connection reset by peer");
            }

            @Override
            public void write(List<byte[]> frames) {
            }

            @Override
            public void close() {
            }
        };
        hub.subscribe("frank", gone, null, Topics.NONE);

        await().atMost(5, TimeUnit.SECONDS).until(() -> heard.size() == 2);
        // Presence counts the user online on opened and offline on closed: the other order leaves her online for good.
        assertThat(heard).containsExactly("opened", "closed");
        assertThat(hub.activeConnections()).isZero();
    }
}
