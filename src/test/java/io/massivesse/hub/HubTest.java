package io.massivesse.hub;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.massivesse.event.Topics;
import io.massivesse.event.Update;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class HubTest {

    private final ExecutorService writers = Executors.newCachedThreadPool();
    private Hub hub;

    private final CountingMetrics metrics = new CountingMetrics();

    private Hub hub(int buffer, int slowSeconds, int maxConnections, int perUser, DuplicatePolicy policy) {
        hub = new Hub(new HubSettings("node-t", buffer, slowSeconds, 1, 2000, maxConnections, perUser, policy, new HistorySettings(50, 50, 300, 1 << 20), 3, 0),
                writers, metrics);
        return hub;
    }

    /** Counts what the hub reports, as ops.SseMetrics would. */
    static final class CountingMetrics implements HubMetrics {
        final AtomicLong opened = new AtomicLong();
        final Map<CloseReason, Long> closed = new ConcurrentHashMap<>();
        final AtomicLong fannedOut = new AtomicLong();
        final AtomicLong delivered = new AtomicLong();
        final AtomicLong dropped = new AtomicLong();
        final AtomicLong replayed = new AtomicLong();
        final AtomicLong resets = new AtomicLong();
        final AtomicLong redelivered = new AtomicLong();

        @Override
        public void eventRedelivered() {
            redelivered.incrementAndGet();
        }

        @Override
        public void connectionOpened() {
            opened.incrementAndGet();
        }

        @Override
        public void connectionClosed(CloseReason reason) {
            closed.merge(reason, 1L, Long::sum);
        }

        @Override
        public void eventFannedOut(long deliveries, long relayLagMillis, long fanOutNanos) {
            fannedOut.incrementAndGet();
            delivered.addAndGet(deliveries);
        }

        @Override
        public void eventDropped() {
            dropped.incrementAndGet();
        }

        @Override
        public void eventsReplayed(int count) {
            replayed.addAndGet(count);
        }

        @Override
        public void resumed(ResumeOutcome outcome) {
            if (outcome != ResumeOutcome.COMPLETE) {
                resets.incrementAndGet();
            }
        }
    }

    private Hub hub() {
        return hub(100, 30, 100, 3, DuplicatePolicy.REPLACE);
    }

    @AfterEach
    void stop() throws InterruptedException {
        hub.shutdown();
        writers.shutdownNow();
        writers.awaitTermination(5, TimeUnit.SECONDS);
    }

    private static Update broadcast(String id, String data) {
        return new Update(id, null, data, null, 0);
    }

    @Test
    void connectedFrameComesFirst() {
        RecordingStream stream = new RecordingStream();
        hub().subscribe("alice", stream, null, Topics.NONE);
        assertThat(stream.opened).isTrue();
        await().atMost(5, TimeUnit.SECONDS).until(() -> !stream.frames.isEmpty());
        assertThat(stream.frames).first()
                .isEqualTo("retry: 2000\nevent: connected\ndata: {\"userId\":\"alice\",\"node\":\"node-t\"}\n\n");
    }

    @Test
    void broadcastReachesAllAndSendOnlyItsUser() {
        Hub hub = hub();
        RecordingStream a = new RecordingStream();
        RecordingStream b = new RecordingStream();
        hub.subscribe("a", a, null, Topics.NONE);
        hub.subscribe("b", b, null, Topics.NONE);
        assertThat(hub.deliver(broadcast("1", "all"))).as("connections reached").isEqualTo(2);
        assertThat(hub.deliver(new Update("2", null, "only a", "a", 0))).isEqualTo(1);
        assertThat(hub.deliver(new Update("3", null, "nobody", "c", 0))).isZero();
        await().atMost(5, TimeUnit.SECONDS).until(() -> a.events().size() == 3 && b.events().size() == 2);
        assertThat(a.events().subList(1, 3)).containsExactly("id: 1\ndata: all\n\n", "id: 2\ndata: only a\n\n");
        assertThat(b.events().subList(1, 2)).containsExactly("id: 1\ndata: all\n\n");
        assertThat(metrics.delivered.get()).isEqualTo(3);
    }

    @Test
    void anEventFannedOutSoonAfterItsPublishGoesToTheStreamAtOnceAndOneFannedOutLateIsQueued() {
        Hub hub = hub();
        RecordingStream stream = new RecordingStream();
        stream.now = EventStream.Sent.WHOLE;
        hub.subscribe("a", stream, null, Topics.NONE);
        await().atMost(5, TimeUnit.SECONDS).until(() -> stream.frames.size() == 1);

        long now = System.currentTimeMillis();
        hub.deliver(new Update("1", null, "on time", null, now));
        hub.deliver(new Update("2", null, "late", null, now - FanOut.BEHIND_MILLIS - 1000));

        await().atMost(5, TimeUnit.SECONDS).until(() -> stream.events().size() == 3);
        assertThat(stream.writtenNow).containsExactly("id: 1\ndata: on time\n\n");
        assertThat(stream.events().subList(1, 3)).containsExactly("id: 1\ndata: on time\n\n", "id: 2\ndata: late\n\n");
    }

    @Test
    void anEventTheBrokerHandsOverAgainIsFannedOutOnce() {
        Hub hub = hub();
        RecordingStream stream = new RecordingStream();
        hub.subscribe("a", stream, null, Topics.NONE);
        hub.deliver(broadcast("1", "first"));
        hub.deliver(broadcast("2", "second"));
        assertThat(hub.deliver(broadcast("1", "first"))).isEqualTo(Hub.REDELIVERED);
        hub.deliver(broadcast("3", "third"));
        await().atMost(5, TimeUnit.SECONDS).until(() -> stream.events().size() == 4);
        assertThat(stream.events().subList(1, 4))
                .containsExactly("id: 1\ndata: first\n\n", "id: 2\ndata: second\n\n", "id: 3\ndata: third\n\n");
        assertThat(metrics.redelivered).hasValue(1);
        assertThat(metrics.fannedOut).hasValue(3);
    }

    @Test
    void eventsArriveInPublishOrder() {
        Hub hub = hub(10_000, 30, 100, 3, DuplicatePolicy.REPLACE);
        RecordingStream stream = new RecordingStream();
        hub.subscribe("a", stream, null, Topics.NONE);
        for (int i = 0; i < 2_000; i++) {
            hub.deliver(broadcast(String.valueOf(i), "e" + i));
        }
        await().atMost(10, TimeUnit.SECONDS).until(() -> stream.events().size() == 2_001);
        List<String> events = stream.events().subList(1, 2_001);
        for (int i = 0; i < 2_000; i++) {
            assertThat(events.get(i)).isEqualTo("id: " + i + "\ndata: e" + i + "\n\n");
        }
    }

    @Test
    void replacePolicyClosesTheOlderConnection() {
        Hub hub = hub();
        RecordingStream first = new RecordingStream();
        RecordingStream second = new RecordingStream();
        hub.subscribe("carol", first, null, Topics.NONE);
        Subscriber newer = hub.subscribe("carol", second, null, Topics.NONE);
        await().atMost(5, TimeUnit.SECONDS).until(() -> first.closed);
        assertThat(first.events()).last().asString().startsWith("event: replaced\n");
        assertThat(hub.connectionsOf("carol")).containsExactly(newer);
        assertThat(hub.activeConnections()).isEqualTo(1);
        hub.deliver(new Update("9", null, "new", "carol", 0));
        await().atMost(5, TimeUnit.SECONDS).until(() -> second.events().size() == 2);
        assertThat(first.events()).noneMatch(f -> f.contains("data: new"));
    }

    @Test
    void allowPolicySharesEventsUpToTheLimit() {
        Hub hub = hub(100, 30, 100, 2, DuplicatePolicy.ALLOW);
        RecordingStream one = new RecordingStream();
        RecordingStream two = new RecordingStream();
        hub.subscribe("dave", one, null, Topics.NONE);
        hub.subscribe("dave", two, null, Topics.NONE);
        assertThatThrownBy(() -> hub.subscribe("dave", new RecordingStream(), null, Topics.NONE))
                .isInstanceOfSatisfying(SubscribeRefusedException.class,
                        e -> assertThat(e.reason()).isEqualTo(SubscribeRefusedException.Reason.USER_LIMIT));
        hub.deliver(new Update("1", null, "both", "dave", 0));
        await().atMost(5, TimeUnit.SECONDS).until(() -> one.events().size() == 2 && two.events().size() == 2);
        assertThat(hub.activeConnections()).isEqualTo(2);
    }

    @Test
    void capacityRefusesWith503AndFreesOnClose() {
        Hub hub = hub(100, 30, 2, 3, DuplicatePolicy.REPLACE);
        Subscriber first = hub.subscribe("u1", new RecordingStream(), null, Topics.NONE);
        hub.subscribe("u2", new RecordingStream(), null, Topics.NONE);
        assertThatThrownBy(() -> hub.subscribe("u3", new RecordingStream(), null, Topics.NONE))
                .isInstanceOfSatisfying(SubscribeRefusedException.class, e -> {
                    assertThat(e.reason()).isEqualTo(SubscribeRefusedException.Reason.AT_CAPACITY);
                    assertThat(e.retryAfterSeconds()).isPositive();
                });
        first.close(CloseReason.CLIENT_GONE);
        await().atMost(5, TimeUnit.SECONDS).until(() -> hub.activeConnections() == 1);
        assertThat(hub.subscribe("u3", new RecordingStream(), null, Topics.NONE).isClosed()).isFalse();
    }

    @Test
    void anEventThatFindsTheQueueFullEndsTheStreamAndItsResumeReplaysEveryEventItMissed() {
        Hub hub = hub(5, 30, 100, 3, DuplicatePolicy.REPLACE);
        RecordingStream stream = new RecordingStream();
        Subscriber subscriber = hub.subscribe("slow", stream, null, Topics.NONE);
        await().atMost(5, TimeUnit.SECONDS).until(() -> !stream.frames.isEmpty()); // connected written
        stream.stall();
        for (int i = 0; i < 50; i++) {
            hub.deliver(broadcast(String.valueOf(i), "e" + i));
        }
        assertThat(subscriber.isClosed()).isTrue();
        assertThat(subscriber.dropped()).isPositive();
        stream.resume();
        await().atMost(5, TimeUnit.SECONDS).until(() -> stream.closed);
        // What arrived is the first events, none missing in between; the stream then ended.
        List<Integer> got = ids(stream);
        assertThat(got).isNotEmpty().containsExactlyElementsOf(IntStream.range(0, got.size()).boxed().toList());
        await().atMost(5, TimeUnit.SECONDS).until(() -> metrics.closed.getOrDefault(CloseReason.SLOW_CONSUMER, 0L) == 1);

        // The client resumes after the last event it read: the rest, once each, in order.
        RecordingStream resumed = new RecordingStream();
        hub.subscribe("slow", resumed, String.valueOf(got.get(got.size() - 1)), Topics.NONE);
        await().atMost(5, TimeUnit.SECONDS).until(() -> ids(resumed).contains(49));
        assertThat(ids(resumed)).containsExactlyElementsOf(IntStream.range(got.size(), 50).boxed().toList());
        assertThat(resumed.events()).noneMatch(frame -> frame.contains("event: reset"));
    }

    /** The numeric ids of the events a stream got, in order. */
    private static List<Integer> ids(RecordingStream stream) {
        return stream.events().stream().filter(f -> f.startsWith("id: "))
                .map(f -> Integer.parseInt(f.substring(4, f.indexOf('\n')))).toList();
    }

    @Test
    void aResumeBeyondTheReplayBoundGetsTheNewestEventsAfterAResetNamingTheStreamsThatLostSome() {
        hub = new Hub(new HubSettings("node-t", 100, 30, 1, 2000, 100, 3, DuplicatePolicy.REPLACE,
                new HistorySettings(50, 50, 300, 1 << 20, 3, Long.MAX_VALUE), 3, 0), writers, metrics);
        for (int i = 0; i < 6; i++) {
            hub.deliver(broadcast(String.valueOf(i), "e" + i));
        }
        RecordingStream stream = new RecordingStream();
        hub.subscribe("late", stream, "0", Topics.NONE);
        await().atMost(5, TimeUnit.SECONDS).until(() -> stream.events().size() == 5);
        assertThat(stream.events().get(1)).startsWith("event: reset\n").contains("\"broadcast\"");
        assertThat(ids(stream)).containsExactly(3, 4, 5);
        hub.deliver(broadcast("6", "e6"));
        await().atMost(5, TimeUnit.SECONDS).until(() -> ids(stream).contains(6));
        assertThat(ids(stream)).containsExactly(3, 4, 5, 6);
    }

    @Test
    void consumerFullForTooLongIsClosed() {
        Hub hub = hub(3, 1, 100, 3, DuplicatePolicy.REPLACE);
        RecordingStream stalled = new RecordingStream();
        RecordingStream healthy = new RecordingStream().writingAtOnce();
        Subscriber slow = hub.subscribe("stalled", stalled, null, Topics.NONE);
        Subscriber fine = hub.subscribe("healthy", healthy, null, Topics.NONE);
        await().atMost(5, TimeUnit.SECONDS).until(() -> !stalled.frames.isEmpty() && healthy.framesWritten() == 1);
        stalled.stall();
        // Its writer holds one, its queue of three takes the others (and a heartbeat fills it): full, never
        // drained, never overflowed, so the clock's slow-consumer rule is what ends it.
        for (int i = 0; i < 3; i++) {
            hub.deliver(new Update(String.valueOf(i), null, "e" + i, null, System.currentTimeMillis()));
        }
        await().atMost(10, TimeUnit.SECONDS).until(slow::isClosed);
        await().atMost(5, TimeUnit.SECONDS).until(() -> hub.connectionsOf("stalled").isEmpty() && hub.activeConnections() == 1);
        assertThat(fine.isClosed()).isFalse();
        assertThat(healthy.events()).last().asString().contains("data: e2");
        assertThat(metrics.closed).containsEntry(CloseReason.SLOW_CONSUMER, 1L);
        assertThat(metrics.dropped.get()).as("no overflow").isZero();
        stalled.resume();
        await().atMost(5, TimeUnit.SECONDS).until(() -> stalled.closed);
    }

    @Test
    void failedWriteUnregisters() {
        Hub hub = hub();
        RecordingStream gone = new RecordingStream();
        Subscriber subscriber = hub.subscribe("gone", gone, null, Topics.NONE);
        gone.failing = true;
        hub.deliver(broadcast("1", "x"));
        await().atMost(5, TimeUnit.SECONDS).until(() -> gone.closed);
        assertThat(subscriber.isClosed()).isTrue();
        assertThat(hub.activeConnections()).isZero();
    }

    @Test
    void anUncheckedFailureOfOneStreamEndsThatStreamAndTheFanOutGoesOn() {
        Hub hub = hub();
        List<RecordingStream> streams = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            RecordingStream stream = new RecordingStream().writingAtOnce();
            hub.subscribe("f" + i, stream, null, Topics.NONE);
            streams.add(stream);
        }
        await().atMost(5, TimeUnit.SECONDS).until(() -> streams.stream().allMatch(s -> s.framesWritten() == 1));
        RecordingStream broken = streams.get(17);
        broken.failingUnchecked = true;

        assertThat(hub.deliver(new Update("1", null, "all", null, System.currentTimeMillis()))).isEqualTo(49);

        assertThat(streams).filteredOn(s -> s != broken).allMatch(s -> s.events().contains("id: 1\ndata: all\n\n"));
        await().atMost(5, TimeUnit.SECONDS).until(() -> broken.closed && hub.activeConnections() == 49);
        assertThat(metrics.closed).containsEntry(CloseReason.CLIENT_GONE, 1L);
    }

    @Test
    void aFailedHeartbeatWriteEndsItsStreamWhileTheHubIsHeldAndTheClockGoesOn() throws Exception {
        Hub hub = hub();
        RecordingStream breaking = new RecordingStream().writingAtOnce();
        RecordingStream quiet = new RecordingStream().writingAtOnce();
        hub.subscribe("holder", new RecordingStream(), null, Topics.NONE);
        Subscriber broken = hub.subscribe("breaking", breaking, null, Topics.NONE);
        hub.subscribe("quiet", quiet, null, Topics.NONE);
        await().atMost(5, TimeUnit.SECONDS).until(() -> breaking.framesWritten() == 1 && quiet.framesWritten() == 1);
        breaking.failing = true;
        // A topic change held with the dispatch lock taken, as a long fan-out would hold it.
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        hub.seam(point -> {
            if (point.equals(Seam.TOPICS_CHECKED)) {
                held.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        Thread holding = new Thread(() -> hub.changeTopics("holder", List.of("t/1"), List.of()));
        holding.start();
        try {
            assertThat(held.await(5, TimeUnit.SECONDS)).isTrue();
            int framesBefore = quiet.framesWritten();
            // Heartbeats every second: the broken stream's ping fails and ends it, the quiet one's keep coming.
            await().atMost(10, TimeUnit.SECONDS).until(() -> broken.isClosed() && quiet.framesWritten() >= framesBefore + 3);
            assertThat(hub.millisSinceHeartbeat()).isLessThan(2_500);
        } finally {
            release.countDown();
            holding.join(5_000);
        }
        await().atMost(5, TimeUnit.SECONDS).until(() -> hub.activeConnections() == 2 && breaking.closed);
        assertThat(hub.connectionsOf("breaking")).isEmpty();
    }

    @Test
    void anErrorFromAStreamsWriteEndsOnlyThatStream() {
        Hub hub = hub();
        RecordingStream healthy = new RecordingStream().writingAtOnce();
        hub.subscribe("healthy", healthy, null, Topics.NONE);
        Subscriber broken = hub.subscribe("broken", new EventStream() {
            @Override
            public void open() {
            }

            @Override
            public Sent writeNow(byte[] frame) {
                throw new StackOverflowError("a stream's write overflowed");
            }

            @Override
            public void write(List<byte[]> frames) {
            }

            @Override
            public void close() {
            }
        }, null, Topics.NONE);
        await().atMost(5, TimeUnit.SECONDS).until(() -> healthy.framesWritten() == 1 && broken.queued() == 0);

        assertThat(hub.deliver(new Update("1", null, "all", null, System.currentTimeMillis()))).isEqualTo(1);

        assertThat(healthy.events()).contains("id: 1\ndata: all\n\n");
        await().atMost(5, TimeUnit.SECONDS).until(() -> broken.isClosed() && hub.activeConnections() == 1);
    }

    @Test
    void aClosedConnectionOnItsWayOutDoesNotCountAgainstTheUsersLimitAndLivenessSeesTheWait() throws Exception {
        Hub hub = hub(100, 30, 100, 2, DuplicatePolicy.ALLOW);
        // The departures' thread is held by the watcher while it hears of the first close.
        CountDownLatch hearing = new CountDownLatch(1);
        CountDownLatch letGo = new CountDownLatch(1);
        hub.watch(new ConnectionWatcher() {
            @Override
            public void opened(Subscriber subscriber) {
            }

            @Override
            public void closed(Subscriber subscriber, CloseReason reason) {
                if (subscriber.userId().equals("first")) {
                    hearing.countDown();
                    try {
                        letGo.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        });
        Subscriber first = hub.subscribe("first", new RecordingStream(), null, Topics.NONE);
        Subscriber one = hub.subscribe("erin", new RecordingStream(), null, Topics.NONE);
        hub.subscribe("erin", new RecordingStream(), null, Topics.NONE);
        try {
            first.close(CloseReason.CLIENT_GONE);
            assertThat(hearing.await(5, TimeUnit.SECONDS)).isTrue();
            one.close(CloseReason.CLIENT_GONE);
            // Erin's closed connection has not left the hub yet, and she reconnects.
            assertThat(hub.subscribe("erin", new RecordingStream(), null, Topics.NONE).isClosed()).isFalse();
            await().atMost(5, TimeUnit.SECONDS).until(() -> hub.departuresBehindMillis() >= 200);
        } finally {
            letGo.countDown();
        }
        await().atMost(5, TimeUnit.SECONDS).until(() -> hub.activeConnections() == 2 && hub.departuresBehindMillis() == 0);
    }

    @Test
    void oneFailureWhileClosingConnectionsKeepsNoneOfThemInTheHub() {
        Hub hub = hub();
        List<Subscriber> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
        hub.watch(new ConnectionWatcher() {
            @Override
            public void opened(Subscriber subscriber) {
            }

            @Override
            public void closed(Subscriber subscriber, CloseReason reason) {
                heard.add(subscriber);
                if (heard.size() == 1) {
                    throw new NoClassDefFoundError("presence could not load a class");
                }
            }
        });
        List<Subscriber> subscribers = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            subscribers.add(hub.subscribe("g" + i, new RecordingStream(), null, Topics.NONE));
        }
        subscribers.forEach(s -> s.close(CloseReason.CLIENT_GONE));

        await().atMost(5, TimeUnit.SECONDS).until(() -> hub.activeConnections() == 0 && heard.size() == 5);
        assertThat(heard).containsExactlyInAnyOrderElementsOf(subscribers);
    }

    @Test
    void aThreadOfTheFanOutsPoolIsRefusedTheHubAndCostsNoCapacity() {
        Hub hub = hub(100, 30, 1, 3, DuplicatePolicy.REPLACE);
        CompletableFuture<Subscriber> fromThePool = CompletableFuture.supplyAsync(
                () -> hub.subscribe("pooled", new RecordingStream(), null, Topics.NONE), ForkJoinPool.commonPool());

        assertThatThrownBy(() -> fromThePool.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(IllegalStateException.class);
        assertThat(hub.activeConnections()).isZero();
        // The node's one slot is still free.
        assertThat(hub.subscribe("direct", new RecordingStream(), null, Topics.NONE).isClosed()).isFalse();
    }

    @Test
    void connectionOnAnotherNodeReplacesOnlyOlderOnes() throws InterruptedException {
        Hub hub = hub();
        RecordingStream local = new RecordingStream();
        Subscriber subscriber = hub.subscribe("roamer", local, null, Topics.NONE);
        long openedAt = subscriber.openedAt();
        hub.replaceOlderThan("roamer", "node-t", openedAt + 10);       // our own announcement: ignored
        hub.replaceOlderThan("roamer", "node-other", openedAt - 10);   // an older one elsewhere: keep ours
        hub.replaceOlderThan("roamer", "node-a", openedAt);            // same time, smaller node id wins
        assertThat(subscriber.isClosed()).isFalse();
        hub.replaceOlderThan("roamer", "node-z", openedAt);            // same time, larger node id: we yield
        await().atMost(5, TimeUnit.SECONDS).until(() -> local.closed);
        assertThat(local.events()).last().asString().startsWith("event: replaced\n");
        assertThat(hub.activeConnections()).isZero();
    }

    @Test
    void allowPolicyIgnoresOtherNodes() {
        Hub hub = hub(100, 30, 100, 2, DuplicatePolicy.ALLOW);
        Subscriber subscriber = hub.subscribe("multi", new RecordingStream(), null, Topics.NONE);
        hub.replaceOlderThan("multi", "node-other", subscriber.openedAt() + 1_000);
        assertThat(subscriber.isClosed()).isFalse();
    }

    @Test
    void reconnectWithLastEventIdReplaysWhatWasMissedThenGoesLive() {
        Hub hub = hub(3, 30, 100, 3, DuplicatePolicy.REPLACE);
        for (int i = 1; i <= 10; i++) {
            hub.deliver(new Update(String.valueOf(i), null, "e" + i, i % 2 == 0 ? "alice" : null, 0));
        }
        hub.deliver(new Update("11", null, "bob's", "bob", 0));
        RecordingStream stream = new RecordingStream();
        hub.subscribe("alice", stream, "2", Topics.NONE);
        hub.deliver(broadcast("12", "live"));
        // Nine events after id 2 for alice (3..10) plus live 12: more than the queue's capacity of 3, none dropped.
        await().atMost(5, TimeUnit.SECONDS).until(() -> stream.events().size() == 10);
        assertThat(stream.events().get(0)).contains("event: connected");
        assertThat(stream.events().subList(1, 10)).containsExactly(
                "id: 3\ndata: e3\n\n", "id: 4\ndata: e4\n\n", "id: 5\ndata: e5\n\n", "id: 6\ndata: e6\n\n",
                "id: 7\ndata: e7\n\n", "id: 8\ndata: e8\n\n", "id: 9\ndata: e9\n\n", "id: 10\ndata: e10\n\n",
                "id: 12\ndata: live\n\n");
        assertThat(metrics.replayed.get()).isEqualTo(8);
    }

    @Test
    void idOutsideTheWindowGetsReset() {
        Hub hub = hub();
        hub.deliver(broadcast("1", "x"));
        RecordingStream stream = new RecordingStream();
        hub.subscribe("carl", stream, "gone-long-ago", Topics.NONE);
        await().atMost(5, TimeUnit.SECONDS).until(() -> stream.events().size() == 2);
        assertThat(stream.events().get(1)).startsWith("event: reset\ndata: {\"lost\":[\"broadcast\",\"user:carl\"],\"after\":\"gone-long-ago\"");
        assertThat(metrics.resets.get()).isEqualTo(1);
    }

    @Test
    void noGapAndNoDuplicateWhileEventsFlowDuringTheReconnect() throws Exception {
        Hub hub = hub(100_000, 30, 100, 3, DuplicatePolicy.REPLACE);
        hub.deliver(broadcast("0", "e0"));
        Thread publisher = new Thread(() -> {
            for (int i = 1; i <= 20; i++) {
                hub.deliver(broadcast(String.valueOf(i), "e" + i));
            }
        });
        RecordingStream stream = new RecordingStream();
        publisher.start();
        hub.subscribe("racer", stream, "0", Topics.NONE);
        publisher.join();
        await().atMost(5, TimeUnit.SECONDS).until(() -> stream.events().size() == 21);
        List<String> ids = stream.events().subList(1, 21).stream().map(f -> f.substring(4, f.indexOf('\n'))).toList();
        assertThat(ids).containsExactly("1", "2", "3", "4", "5", "6", "7", "8", "9", "10",
                "11", "12", "13", "14", "15", "16", "17", "18", "19", "20");
    }

    @Test
    void heartbeatPingsEveryStream() {
        RecordingStream stream = new RecordingStream();
        hub().subscribe("hb", stream, null, Topics.NONE);
        await().atMost(5, TimeUnit.SECONDS).until(() -> stream.frames.contains(": ping\n\n"));
    }

    @Test
    void aStreamEndsWithTokenExpiredAtItsEndTimeAndOthersStayOpen() {
        Hub hub = hub();
        RecordingStream expiring = new RecordingStream();
        RecordingStream later = new RecordingStream();
        RecordingStream forever = new RecordingStream();
        long now = System.currentTimeMillis();
        hub.subscribe("exp", expiring, null, false, Topics.NONE, now + 1200);
        hub.subscribe("later", later, null, false, Topics.NONE, now + 600_000);
        hub.subscribe("forever", forever, null, Topics.NONE);
        assertThat(hub.streamsWithDeadline()).isEqualTo(2);
        await().atMost(5, TimeUnit.SECONDS).until(() -> expiring.closed);
        // Not before its time: the tick ends a stream in the first second at or after its end.
        assertThat(System.currentTimeMillis()).isGreaterThanOrEqualTo(now + 1200);
        assertThat(expiring.events()).last().asString()
                .startsWith("event: token-expired\ndata: {\"userId\":\"exp\",");
        assertThat(metrics.closed).containsEntry(CloseReason.TOKEN_EXPIRED, 1L);
        hub.deliver(broadcast("1", "after"));
        await().atMost(5, TimeUnit.SECONDS).until(() -> later.events().size() == 2 && forever.events().size() == 2);
        assertThat(later.closed).isFalse();
        assertThat(forever.closed).isFalse();
        assertThat(hub.streamsWithDeadline()).isEqualTo(1);
    }

    @Test
    void aStreamClosedBeforeItsEndTimeLeavesTheDeadlines() {
        Hub hub = hub();
        RecordingStream stream = new RecordingStream();
        Subscriber subscriber = hub.subscribe("gone", stream, null, false, Topics.NONE, System.currentTimeMillis() + 600_000);
        assertThat(hub.streamsWithDeadline()).isEqualTo(1);
        subscriber.close(CloseReason.CLIENT_GONE);
        await().atMost(5, TimeUnit.SECONDS).until(() -> hub.streamsWithDeadline() == 0);
        assertThat(metrics.closed).doesNotContainKey(CloseReason.TOKEN_EXPIRED);
    }

    @Test
    void shutdownSaysGoodbyeWithRetryAndCloses() {
        Hub hub = hub();
        RecordingStream stream = new RecordingStream();
        hub.subscribe("bye", stream, null, Topics.NONE);
        hub.shutdown();
        await().atMost(5, TimeUnit.SECONDS).until(() -> stream.closed);
        assertThat(stream.events()).last().asString().startsWith("retry: 2000\nevent: server-shutdown\n");
        assertThat(hub.activeConnections()).isZero();
    }

    @Test
    void drainRefusesNewSubscribersAndSpreadsTheRetryHints() {
        Hub hub = hub();
        List<RecordingStream> streams = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            RecordingStream stream = new RecordingStream();
            hub.subscribe("d" + i, stream, null, Topics.NONE);
            streams.add(stream);
        }
        hub.drain(3_000);
        assertThat(hub.isDraining()).isTrue();
        assertThatThrownBy(() -> hub.subscribe("late", new RecordingStream(), null, Topics.NONE))
                .isInstanceOfSatisfying(SubscribeRefusedException.class,
                        e -> assertThat(e.reason()).isEqualTo(SubscribeRefusedException.Reason.DRAINING));
        await().atMost(5, TimeUnit.SECONDS).until(() -> streams.stream().allMatch(s -> s.closed));
        List<Integer> retries = streams.stream().map(s -> s.events().get(s.events().size() - 1))
                .peek(goodbye -> assertThat(goodbye).contains("event: server-shutdown\n"))
                .map(goodbye -> Integer.parseInt(goodbye.substring("retry: ".length(), goodbye.indexOf('\n'))))
                .toList();
        assertThat(retries).allSatisfy(retry -> assertThat(retry).isBetween(2_000, 5_000));
        // Spread: 40 clients do not all get the same hint.
        assertThat(new HashSet<>(retries)).hasSizeGreaterThan(5);
        assertThat(metrics.closed.get(CloseReason.SHUTDOWN)).isEqualTo(40);
    }

    @Test
    void metricsHearOfConnectionsFanOutsDropsAndReplays() {
        Hub hub = hub(5, 30, 100, 3, DuplicatePolicy.REPLACE);
        // The reading client takes each event at once; the stalled one's queue of 5 overflows.
        RecordingStream healthy = new RecordingStream().writingAtOnce();
        RecordingStream slow = new RecordingStream();
        hub.subscribe("m-healthy", healthy, null, Topics.NONE);
        Subscriber stalled = hub.subscribe("m-slow", slow, null, Topics.NONE);
        await().atMost(5, TimeUnit.SECONDS).until(() -> !slow.frames.isEmpty() && healthy.framesWritten() == 1);
        slow.stall();
        for (int i = 0; i < 30; i++) {
            hub.deliver(new Update(String.valueOf(i), null, "e" + i, null, System.currentTimeMillis()));
        }
        hub.deliver(new Update("to-nobody", null, "x", "m-absent", 0));
        assertThat(metrics.opened.get()).isEqualTo(2);
        assertThat(metrics.fannedOut.get()).isEqualTo(31);
        // The one event that found its queue full; those after it are not offered to a stream that is ending.
        assertThat(stalled.dropped()).isEqualTo(1);
        assertThat(metrics.dropped.get()).isEqualTo(1);
        slow.resume();
        // Every event to the reader; to the stalled one what its writer and queue held, all of which it then got.
        await().atMost(5, TimeUnit.SECONDS).until(() -> slow.closed);
        assertThat(ids(slow)).hasSizeBetween(5, 29);
        assertThat(metrics.delivered.get()).isEqualTo(30L + ids(slow).size());
        assertThat(slow.events()).last().asString().startsWith("retry: ");

        hub.subscribe("m-healthy", new RecordingStream(), "25", Topics.NONE);
        assertThat(metrics.replayed.get()).isEqualTo(4); // broadcasts 26-29; the event for m-absent is not hers
        await().atMost(5, TimeUnit.SECONDS).until(() -> metrics.closed.getOrDefault(CloseReason.REPLACED, 0L) == 1
                && metrics.closed.getOrDefault(CloseReason.SLOW_CONSUMER, 0L) == 1);
    }
}
