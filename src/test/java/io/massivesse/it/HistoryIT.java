package io.massivesse.it;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import jakarta.jms.JMSContext;
import jakarta.jms.JMSProducer;
import jakarta.jms.Topic;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.parallel.ResourceLock;

import static io.massivesse.it.Http.get;
import static io.massivesse.it.Http.postJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * History by stream on two nodes (scripts/cluster.sh): a busy topic does not push a quiet topic's or a user's
 * events out, a resume on the other node gets exactly what its streams missed, a reset names exactly the streams
 * that lost events, and {@code latest=true} starts with each topic's newest event.
 */
@ResourceLock(SharedClusters.TWO_NODES)
@Order(7)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HistoryIT {

    /** More than a whole node's window held before streams had their own (10,000 events), and than a topic keeps. */
    private static final int BUSY_EVENTS = 12_000;

    private static LocalCluster cluster;

    @BeforeAll
    static void start() {
        cluster = SharedClusters.twoNodes();
    }

    private static URI at(int node, String path) {
        return URI.create(cluster.node(node) + path);
    }

    private static void publish(int node, String path, String event, String data) {
        assertThat(postJson(at(node, path), "{\"data\":\"" + data + "\",\"event\":\"" + event + "\"}").statusCode())
                .isEqualTo(202);
    }

    /** Events to the topic by JMS, as an enterprise application publishes: the nodes keep them as REST's. */
    private static void flood(String topic, int count) throws Exception {
        try (ActiveMQConnectionFactory factory = cluster.jmsClient(); JMSContext context = factory.createContext()) {
            Topic events = context.createTopic("sse.events");
            JMSProducer producer = context.createProducer();
            for (int i = 0; i < count; i++) {
                producer.setProperty("sseTopic", topic).setProperty("sseEvent", "busy").send(events, "busy " + i);
            }
        }
    }

    private static List<String> dataOf(SseClient client, String event) {
        return client.events().stream().filter(e -> event.equals(e.event())).map(SseClient.Event::data).toList();
    }

    @Test
    void aResumeAfterABusyTopicGetsExactlyWhatTheQuietStreamsMissed() throws Exception {
        String user = Unique.name("quiet");
        String quiet = "quiet/" + UUID.randomUUID();
        String busy = "busy/" + UUID.randomUUID();
        String firstQuiet;
        String firstOwn;
        try (SseClient first = SseClient.connected(at(1, "/sse/connect/" + user + "?topic=" + quiet))) {
            publish(1, "/sse/topics/" + quiet, "quiet", "q1");
            firstQuiet = first.awaitEvent("quiet").id();
            publish(1, "/sse/send/" + user, "own", "o1");
            firstOwn = first.awaitEvent("own").id();
        }
        flood(busy, BUSY_EVENTS);
        publish(2, "/sse/broadcast", "all", "between");
        publish(1, "/sse/topics/" + quiet, "quiet", "q2");
        publish(2, "/sse/send/" + user, "own", "o2");
        String end = Unique.name("end");
        publish(1, "/sse/broadcast", end, "end");

        // On the other node, from the first quiet event: its own first event, the broadcast, the second quiet, its own second.
        try (SseClient again = SseClient.connect(at(2, "/sse/connect/" + user + "?topic=" + quiet),
                Map.of("Last-Event-ID", firstQuiet))) {
            again.awaitEvent(end);
            assertThat(again.events()).extracting(SseClient.Event::event).doesNotContain("reset", "busy");
            assertThat(again.events()).extracting(SseClient.Event::data)
                    .containsSubsequence("o1", "between", "q2", "o2", "end");
            assertThat(dataOf(again, "quiet")).containsExactly("q2");
            assertThat(dataOf(again, "own")).containsExactly("o1", "o2");
        }
        // From the user's first own event, listening to the busy topic too: the busy topic lost events, and only it.
        try (SseClient again = SseClient.connect(at(2, "/sse/connect/" + user + "?topic=" + quiet + "&topic=" + busy),
                Map.of("Last-Event-ID", firstOwn))) {
            again.awaitEvent(end);
            SseClient.Event reset = again.awaitEvent("reset");
            assertThat(reset.data()).contains("\"lost\":[\"topic:" + busy + "\"]").contains("\"after\":\"" + firstOwn + "\"");
            assertThat(again.events().get(1).event()).as("the reset comes right after connected").isEqualTo("reset");
            assertThat(dataOf(again, "busy")).as("what the busy topic still keeps, newest last")
                    .hasSizeLessThan(BUSY_EVENTS).isNotEmpty().endsWith("busy " + (BUSY_EVENTS - 1));
            assertThat(dataOf(again, "quiet")).containsExactly("q2");
            assertThat(dataOf(again, "own")).containsExactly("o2");
        }
        String metrics = get(URI.create(cluster.management(2) + "/metrics?scope=application")).body();
        assertThat(metrics).containsPattern("sse_resumes_total\\{[^}]*outcome=\"complete\"[^}]*\\} [1-9]");
        assertThat(metrics).containsPattern("sse_resumes_total\\{[^}]*outcome=\"partial\"[^}]*\\} [1-9]");
        assertThat(metrics).containsPattern("sse_history_evicted_total\\{[^}]*cause=\"size\"[^}]*\\} [1-9]");
    }

    @Test
    void anUnknownIdGetsAResetNamingEveryStreamThenLiveEvents() {
        String user = Unique.name("unknown");
        String topic = "orders/" + UUID.randomUUID();
        try (SseClient client = SseClient.connect(at(1, "/sse/connect/" + user + "?topic=" + topic),
                Map.of("Last-Event-ID", "0000000000001-0000-nowhere"))) {
            SseClient.Event reset = client.awaitEvent("reset");
            assertThat(reset.data()).contains("\"lost\":[\"broadcast\",\"user:" + user + "\",\"topic:" + topic + "\"]");
            publish(2, "/sse/topics/" + topic, "order", "live");
            assertThat(client.awaitEvent("order").data()).isEqualTo("live");
        }
    }

    @Test
    void latestStartsWithEachTopicsNewestEvent() {
        String base = "prices/" + UUID.randomUUID();
        // The second node has them all once a listener there saw the last: the latest come from its history.
        try (SseClient watcher = SseClient.connected(at(2, "/sse/connect/" + Unique.name("watcher") + "?topic=" + base + "/*"))) {
            publish(1, "/sse/topics/" + base + "/acme", "price", "acme 1");
            publish(2, "/sse/topics/" + base + "/acme", "price", "acme 2");
            publish(1, "/sse/topics/elsewhere/" + UUID.randomUUID(), "price", "not listened to");
            publish(1, "/sse/topics/" + base + "/globex", "price", "globex 1");
            watcher.awaitEvents(4);
            assertThat(dataOf(watcher, "price")).containsExactly("acme 1", "acme 2", "globex 1");
        }
        try (SseClient exact = SseClient.connected(at(2, "/sse/connect/" + Unique.name("exact") + "?latest=true&topic="
                + base + "/acme"));
             SseClient prefix = SseClient.connected(at(2, "/sse/connect/" + Unique.name("prefix") + "?latest=true&topic="
                     + base + "/*"));
             SseClient without = SseClient.connected(at(2, "/sse/connect/" + Unique.name("without") + "?topic="
                     + base + "/*"))) {
            String after = Unique.name("after");
            publish(1, "/sse/broadcast", after, "live");
            for (SseClient client : List.of(exact, prefix, without)) {
                client.awaitEvent(after);
            }
            assertThat(dataOf(exact, "price")).containsExactly("acme 2");
            assertThat(dataOf(prefix, "price")).containsExactly("acme 2", "globex 1");
            assertThat(dataOf(without, "price")).isEmpty();
            assertThat(exact.events().get(1).event()).as("the latest value comes right after connected").isEqualTo("price");
        }
    }

    /** Last in the class: it restarts the second node (the next class's start brings back any node left stopped). */
    @Test
    @Order(Integer.MAX_VALUE)
    void aNodeRestartedWhileAClientIsAwayServesItsResumeFromTheOtherNodesHistory() {
        String user = Unique.name("away");
        String topic = "away/" + UUID.randomUUID();
        String lastSeen;
        try (SseClient first = SseClient.connected(at(2, "/sse/connect/" + user + "?topic=" + topic))) {
            publish(2, "/sse/topics/" + topic, "news", "seen");
            lastSeen = first.awaitEvent("news").id();
            publish(1, "/sse/send/" + user, "own", "own, after the id");
            first.awaitEvent("own");
        }
        cluster.stopNode(2);
        publish(1, "/sse/topics/" + topic, "news", "missed while the node was down");
        String end = Unique.name("end");
        publish(1, "/sse/broadcast", end, "end");
        cluster.startNode(2);
        await().atMost(60, TimeUnit.SECONDS).until(() -> get(URI.create(cluster.management(2) + "/health/ready")).statusCode() == 200);
        // The id it resumes from was received by the node before its restart: only the other node's history has it now.
        try (SseClient again = SseClient.connect(at(2, "/sse/connect/" + user + "?topic=" + topic),
                Map.of("Last-Event-ID", lastSeen))) {
            again.awaitEvent(end);
            assertThat(again.events()).extracting(SseClient.Event::event).doesNotContain("reset");
            assertThat(again.events()).extracting(SseClient.Event::data)
                    .containsSubsequence("own, after the id", "missed while the node was down", "end");
            assertThat(dataOf(again, "own")).hasSize(1);
            assertThat(dataOf(again, "news")).containsExactly("missed while the node was down");
        }
    }
}
