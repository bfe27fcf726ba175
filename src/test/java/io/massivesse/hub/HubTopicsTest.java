package io.massivesse.hub;

import java.util.ArrayList;
import java.util.List;
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
import static org.awaitility.Awaitility.await;

/** Topic events reach exactly the connections listening to their name or a prefix of it, once each. */
class HubTopicsTest {

    private final ExecutorService writers = Executors.newCachedThreadPool();
    private final HubTest.CountingMetrics metrics = new HubTest.CountingMetrics();
    private final Hub hub = new Hub(new HubSettings("node-t", 1000, 30, 30, 2000, 10_000, 3, DuplicatePolicy.REPLACE,
            new HistorySettings(100, 100, 300, 1 << 20), 4, 0), writers, metrics);

    @AfterEach
    void stop() {
        hub.shutdown();
        writers.shutdownNow();
    }

    private static Update toTopic(String id, String topic) {
        return new Update(id, null, "for " + topic, null, topic, 0);
    }

    private RecordingStream listening(String user, String... topics) {
        RecordingStream stream = new RecordingStream();
        hub.subscribe(user, stream, null, Topics.of(List.of(topics)));
        return stream;
    }

    /** The data events a stream got, as their ids. */
    private static List<String> ids(RecordingStream stream) {
        return stream.events().stream().filter(f -> f.startsWith("id: ")).map(f -> f.substring(4, f.indexOf('\n'))).toList();
    }

    @Test
    void exactNamesAndPrefixesMatchAndNothingElseDoes() {
        RecordingStream exact = listening("a", "orders/42");
        RecordingStream prefix = listening("b", "orders/*");
        RecordingStream deeper = listening("c", "orders/42/*");
        RecordingStream other = listening("d", "tenants/acme");
        RecordingStream none = listening("e");
        hub.deliver(toTopic("1", "orders/42"));
        hub.deliver(toTopic("2", "orders/42/lines"));
        hub.deliver(toTopic("3", "orders"));
        hub.deliver(toTopic("4", "ordersx/1"));
        hub.deliver(new Update("5", null, "all", null, 0));
        await().atMost(5, TimeUnit.SECONDS).until(() -> none.events().size() == 2 && exact.events().size() == 3);
        assertThat(ids(exact)).containsExactly("1", "5");
        assertThat(ids(prefix)).containsExactly("1", "2", "5");
        assertThat(ids(deeper)).containsExactly("2", "5");
        assertThat(ids(other)).containsExactly("5");
        assertThat(ids(none)).containsExactly("5");
    }

    @Test
    void aConnectionMatchedByTheNameAndTwoPrefixesGetsTheEventOnce() {
        RecordingStream stream = listening("a", "orders/42", "orders/*", "orders/42/*");
        hub.deliver(toTopic("1", "orders/42"));
        hub.deliver(toTopic("2", "orders/42/x"));
        await().atMost(5, TimeUnit.SECONDS).until(() -> ids(stream).size() == 2);
        assertThat(ids(stream)).containsExactly("1", "2");
        assertThat(metrics.delivered.get()).isEqualTo(2);
    }

    @Test
    void theConnectedFrameListsTheTopics() {
        RecordingStream stream = listening("a", "orders/42", "tenants/acme/*");
        await().atMost(5, TimeUnit.SECONDS).until(() -> !stream.events().isEmpty());
        assertThat(stream.events().get(0)).isEqualTo("retry: 2000\nevent: connected\ndata: {\"userId\":\"a\",\"node\":\"node-t\","
                + "\"topics\":[\"orders/42\",\"tenants/acme/*\"]}\n\n");
    }

    @Test
    void changingTopicsAppliesToOpenConnectionsAndIsCappedPerConnection() {
        RecordingStream stream = listening("a", "t/1");
        hub.changeTopics("a", List.of("t/2", "t/3", "t/4", "t/5"), List.of("t/1"));
        hub.deliver(toTopic("1", "t/1"));
        hub.deliver(toTopic("2", "t/2"));
        hub.deliver(toTopic("5", "t/5"));
        hub.deliver(new Update("end", null, "all", null, 0));
        await().atMost(5, TimeUnit.SECONDS).until(() -> ids(stream).contains("end"));
        // t/1 left, t/2..t/5 joined: four topics, the limit.
        assertThat(ids(stream)).containsExactly("2", "5", "end");
        assertThat(hub.connectionsOf("a").get(0).topics().selectors()).containsExactly("t/2", "t/3", "t/4", "t/5");
        assertThat(hub.activeTopics()).isEqualTo(4);
        // A fifth topic does not fit: the connection keeps the four it has.
        hub.changeTopics("a", List.of("t/6"), List.of());
        assertThat(hub.connectionsOf("a").get(0).topics().selectors()).containsExactly("t/2", "t/3", "t/4", "t/5");
    }

    @Test
    void activeTopicsCountsNamesAndPrefixesWithSubscribersOnly() {
        listening("a", "x/1", "x/*");
        listening("b", "x/1");
        assertThat(hub.activeTopics()).isEqualTo(2);
        hub.connectionsOf("a").get(0).close(CloseReason.CLIENT_GONE);
        await().atMost(5, TimeUnit.SECONDS).until(() -> hub.activeTopics() == 1);
        hub.connectionsOf("b").get(0).close(CloseReason.CLIENT_GONE);
        await().atMost(5, TimeUnit.SECONDS).until(() -> hub.activeTopics() == 0);
    }

    @Test
    void replayAfterAReconnectIncludesTheTopicsEventsInOrder() {
        hub.deliver(new Update("1", null, "start", null, 0));
        hub.deliver(toTopic("2", "orders/42"));
        hub.deliver(toTopic("3", "orders/41"));
        hub.deliver(new Update("4", null, "mine", "a", 0));
        hub.deliver(toTopic("5", "orders/42/lines"));
        hub.deliver(new Update("6", null, "bob's", "b", 0));
        RecordingStream stream = new RecordingStream();
        hub.subscribe("a", stream, "1", Topics.of(List.of("orders/42", "orders/42/*")));
        await().atMost(5, TimeUnit.SECONDS).until(() -> ids(stream).size() == 3);
        assertThat(ids(stream)).containsExactly("2", "4", "5");
    }

    /** Subscribers come and go on many threads while topic events flow: every one open throughout gets every event. */
    @Test
    void theIndexHoldsUnderConcurrentSubscribeUnsubscribeAndPublish() throws Exception {
        List<RecordingStream> steady = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            steady.add(listening("steady-" + i, i % 2 == 0 ? "load/topic" : "load/*"));
        }
        AtomicBoolean running = new AtomicBoolean(true);
        CountDownLatch churned = new CountDownLatch(4);
        List<Thread> churners = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int thread = t;
            Thread churner = new Thread(() -> {
                for (int i = 0; i < 300 && running.get(); i++) {
                    Subscriber s = hub.subscribe("churn-" + thread + "-" + i, new RecordingStream(), null,
                            Topics.of(List.of("load/topic", "load/*", "other/" + i)));
                    if (i % 3 == 0) {
                        hub.changeTopics(s.userId(), List.of("load/extra"), List.of("load/topic"));
                    }
                    s.close(CloseReason.CLIENT_GONE);
                }
                churned.countDown();
            });
            churners.add(churner);
            churner.start();
        }
        int events = 500;
        for (int i = 0; i < events; i++) {
            hub.deliver(toTopic(String.valueOf(i), "load/topic"));
        }
        assertThat(churned.await(30, TimeUnit.SECONDS)).isTrue();
        running.set(false);
        for (Thread churner : churners) {
            churner.join();
        }
        await().atMost(20, TimeUnit.SECONDS).until(() -> steady.stream().allMatch(s -> ids(s).size() == events));
        for (RecordingStream stream : steady) {
            assertThat(ids(stream)).hasSize(events).doesNotHaveDuplicates();
        }
        // Only the steady connections are left in the index: their two selectors.
        assertThat(hub.activeTopics()).isEqualTo(2);
    }
}
