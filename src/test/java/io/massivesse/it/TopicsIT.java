package io.massivesse.it;

import java.io.StringReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import jakarta.jms.JMSContext;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.jms.TextMessage;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;

import static io.massivesse.it.Http.get;
import static io.massivesse.it.Http.json;
import static io.massivesse.it.Http.postJson;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Topics across two nodes and a broker started by scripts/cluster.sh: exact and prefix subscriptions,
 * publishing by REST and by JMS, server-side subscription changes, replay, and the errors.
 */
@ResourceLock(SharedClusters.TWO_NODES)
@Order(7)
class TopicsIT {

    private static LocalCluster cluster;

    @BeforeAll
    static void start() {
        cluster = SharedClusters.twoNodes();
    }

    private static URI at(int node, String path) {
        return URI.create(cluster.node(node) + path);
    }

    private static SseClient listen(int node, String user, String... topics) {
        String query = topics.length == 0 ? "" : "?" + Arrays.stream(topics)
                .map(t -> "topic=" + URLEncoder.encode(t, StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
        return SseClient.connected(at(node, "/sse/connect/" + user + query));
    }

    private static void publishTo(int node, String topic, String json) {
        assertThat(postJson(at(node, "/sse/topics/" + topic), json).statusCode()).isEqualTo(202);
    }

    private static void marker(String name) {
        assertThat(postJson(at(2, "/sse/broadcast"), "{\"data\":\"" + name + "\",\"event\":\"" + name + "\"}").statusCode())
                .isEqualTo(202);
    }

    @Test
    void aTopicEventCrossesNodesAndReachesExactlyItsSubscribers() {
        String topic = "orders/" + UUID.randomUUID();
        try (SseClient exact = listen(1, Unique.name("exact"), topic);
             SseClient prefix = listen(2, Unique.name("prefix"), "orders/*");
             SseClient other = listen(2, Unique.name("other"), "orders/elsewhere");
             SseClient none = listen(1, Unique.name("none"))) {
            publishTo(1, topic, "{\"data\":\"shipped\",\"event\":\"order\"}");
            marker("after-order");
            for (SseClient client : List.of(exact, prefix, other, none)) {
                client.awaitEvent("after-order");
            }
            assertThat(exact.awaitEvent("order").data()).isEqualTo("shipped");
            assertThat(prefix.awaitEvent("order").data()).isEqualTo("shipped");
            assertThat(other.events()).extracting(SseClient.Event::event).doesNotContain("order");
            assertThat(none.events()).extracting(SseClient.Event::event).doesNotContain("order");
        }
    }

    @Test
    void theConnectedFrameListsTheTopics() {
        try (SseClient client = listen(1, Unique.name("lists"), "orders/42", "tenants/acme/*")) {
            JsonObject connected = Json.createReader(new StringReader(client.awaitEvent("connected").data())).readObject();
            assertThat(connected.getJsonArray("topics").getValuesAs(JsonString::getString))
                    .containsExactly("orders/42", "tenants/acme/*");
        }
    }

    @Test
    void aJmsMessageWithSseTopicArrives() throws Exception {
        String topic = "invoices/" + UUID.randomUUID();
        try (SseClient listener = listen(2, Unique.name("jms"), "invoices/*");
             ActiveMQConnectionFactory factory = cluster.jmsClient();
             JMSContext context = factory.createContext()) {
            TextMessage message = context.createTextMessage("{\"invoice\":42}");
            message.setStringProperty("sseTopic", topic);
            message.setStringProperty("sseEvent", "invoice");
            context.createProducer().send(context.createTopic("sse.events"), message);
            assertThat(listener.awaitEvent("invoice").data()).isEqualTo("{\"invoice\":42}");
        }
    }

    @Test
    void aServerSideChangeOnOneNodeReachesAConnectionOnAnother() {
        String user = Unique.name("changed");
        String topic = "news/" + UUID.randomUUID();
        String weather = Unique.name("weather");
        try (SseClient client = listen(2, user, weather)) {
            HttpResponse<String> accepted = postJson(at(1, "/sse/subscriptions/" + user),
                    "{\"add\":[\"" + topic + "\"],\"remove\":[\"" + weather + "\"]}");
            assertThat(accepted.statusCode()).isEqualTo(202);
            assertThat(json(accepted).getString("userId")).isEqualTo(user);
            // The change and the event travel the same topic in order: the next event already sees it.
            publishTo(1, topic, "{\"data\":\"now listening\",\"event\":\"news\"}");
            publishTo(1, weather, "{\"data\":\"no longer\",\"event\":\"weather\"}");
            marker("after-change");
            assertThat(client.awaitEvent("news").data()).isEqualTo("now listening");
            client.awaitEvent("after-change");
            assertThat(client.events()).extracting(SseClient.Event::event).doesNotContain("weather");
        }
    }

    @Test
    void aReconnectReplaysTheTopicsEventsInOrder() {
        String user = Unique.name("resume");
        String topic = "tickets/" + UUID.randomUUID();
        String lastSeen;
        try (SseClient first = listen(1, user, topic)) {
            publishTo(1, topic, "{\"data\":\"seen\",\"event\":\"ticket\"}");
            lastSeen = first.awaitEvent("ticket").id();
        }
        publishTo(1, topic, "{\"data\":\"missed 1\",\"event\":\"ticket\"}");
        publishTo(2, "tickets/someone-else", "{\"data\":\"not mine\",\"event\":\"ticket\"}");
        publishTo(2, topic, "{\"data\":\"missed 2\",\"event\":\"ticket\"}");
        marker("after-missed");
        try (SseClient again = SseClient.connect(at(2, "/sse/connect/" + user + "?topic=" + topic),
                Map.of("Last-Event-ID", lastSeen))) {
            again.awaitEvent("after-missed");
            assertThat(again.events()).filteredOn(e -> "ticket".equals(e.event())).extracting(SseClient.Event::data)
                    .containsExactly("missed 1", "missed 2");
        }
    }

    @Test
    void badTopicsGetJsonErrorsAndAnEventForNobodyIsAccepted() {
        assertError(postJson(at(1, "/sse/topics/orders/*"), "{\"data\":\"x\"}"), 400, "is a prefix");
        assertError(postJson(at(1, "/sse/topics/orders//42"), "{\"data\":\"x\"}"), 400, "not a topic name");
        assertError(get(at(1, "/sse/connect/" + Unique.name("bad") + "?topic=a%20b")), 400, "neither a topic name");
        int limit = SharedClusters.MAX_TOPICS_PER_CONNECTION;
        String oneTooMany = IntStream.range(0, limit + 1).mapToObj(i -> "topic=t" + i).collect(Collectors.joining("&"));
        assertError(get(at(1, "/sse/connect/" + Unique.name("many") + "?" + oneTooMany)), 400, "at most " + limit);
        assertError(postJson(at(1, "/sse/subscriptions/" + Unique.name("x")), "{}"), 400, "nothing to change");
        assertError(postJson(at(1, "/sse/subscriptions/" + Unique.name("x")), "{\"add\":\"one\"}"), 400, "must be an array");
        assertError(postJson(at(1, "/sse/subscriptions/" + Unique.name("x")), "{\"add\":[\"ok\",\"not ok\"]}"), 400, "not ok");
        assertError(postJson(at(1, "/sse/subscriptions/..%2Fetc"), "{\"add\":[\"ok\"]}"), 400, "");
        assertThat(postJson(at(1, "/sse/topics/nobody/listens/here"), "{\"data\":\"into the void\"}").statusCode())
                .isEqualTo(202);
    }

    @Test
    void theTopicMetricsCountTopicsAndPublishesByTarget() {
        try (SseClient client = listen(1, Unique.name("metrics"), "metrics/a", "metrics/b/*")) {
            publishTo(1, "metrics/a", "{\"data\":\"x\"}");
            String metrics = get(URI.create(cluster.management(1) + "/metrics?scope=application")).body();
            assertThat(metrics).containsPattern("sse_topics_active\\{[^}]*\\} [1-9]");
            assertThat(metrics).containsPattern("sse_events_published_total\\{[^}]*target=\"topic\"[^}]*\\} [1-9]");
            assertThat(client.ended()).isFalse();
        }
    }

    private static void assertError(HttpResponse<String> response, int status, String fragment) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(json(response).getInt("status")).isEqualTo(status);
        assertThat(json(response).getString("error")).contains(fragment);
    }
}
