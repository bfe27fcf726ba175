package io.massivesse.it;

import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.TextMessage;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.parallel.ResourceLock;

import static io.massivesse.it.Http.get;
import static io.massivesse.it.Http.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Presence on three nodes and a broker started by scripts/cluster.sh, watched the way an enterprise
 * application would: a plain JMS consumer of the presence topic. Short grace, heartbeat and node interval
 * keep it quick; a graceful stop of node2 and a crash of node3 come last (the next class on the cluster
 * gets them back).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ResourceLock(SharedClusters.THREE_NODES)
@Order(13)
class PresenceIT {

    private static final int GRACE_SECONDS = SharedClusters.PRESENCE_GRACE_SECONDS;
    private static final int HEARTBEAT_SECONDS = LocalCluster.HEARTBEAT_SECONDS;
    private static final int NODE_INTERVAL_SECONDS = SharedClusters.NODE_INTERVAL_SECONDS;
    private static LocalCluster cluster;

    /** A change as a consumer received it, with the message's sender and the time it arrived. */
    record Received(JsonObject change, String sender, Instant arrived) {
        String type() {
            return change.getString("type");
        }

        String user() {
            return change.getString("userId", null);
        }
    }

    private static final List<Received> CHANGES = new CopyOnWriteArrayList<>();
    private static ActiveMQConnectionFactory factory;
    private static JMSContext context;

    @BeforeAll
    static void start() {
        cluster = SharedClusters.threeNodes();
        factory = cluster.jmsClient();
        context = factory.createContext();
        JMSConsumer consumer = context.createConsumer(context.createTopic("sse.presence"));
        consumer.setMessageListener(message -> {
            try {
                JsonObject body = Json.createReader(new StringReader(((TextMessage) message).getText())).readObject();
                for (JsonValue change : body.getJsonArray("changes")) {
                    CHANGES.add(new Received(change.asJsonObject(), body.getString("node"), Instant.now()));
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        // Every node has heard every other before the tests ask.
        for (int node = 1; node <= 3; node++) {
            URI metrics = URI.create(cluster.management(node) + "/metrics?scope=application");
            await().atMost(30, TimeUnit.SECONDS).until(() -> get(metrics).body().matches("(?s).*sse_presence_nodes\\{[^}]*\\} 3(\\.0)?\\b.*"));
        }
    }

    @AfterAll
    static void stop() {
        if (context != null) {
            context.close();
            factory.close();
        }
    }

    private static JsonObject presenceOf(int node, String user) {
        HttpResponse<String> response = get(URI.create(cluster.node(node) + "/sse/presence/" + user));
        assertThat(response.statusCode()).isEqualTo(200);
        return json(response);
    }

    private static List<Received> changesOf(String user) {
        return CHANGES.stream().filter(change -> user.equals(change.user())).toList();
    }

    private static Received awaitChange(String user, String type) {
        await().atMost(30, TimeUnit.SECONDS).until(() -> changesOf(user).stream().anyMatch(c -> c.type().equals(type)));
        return changesOf(user).stream().filter(c -> c.type().equals(type)).findFirst().orElseThrow();
    }

    private static Received awaitNodeDown(String node) {
        await().atMost(30, TimeUnit.SECONDS).until(() -> CHANGES.stream()
                .anyMatch(c -> c.type().equals("node-down") && c.change().getString("node").equals(node)));
        return CHANGES.stream().filter(c -> c.type().equals("node-down") && c.change().getString("node").equals(node))
                .findFirst().orElseThrow();
    }

    @Test
    @Order(1)
    void aUserOnNode3IsOnlineForAQueryOnNode1AndOfflineAfterTheGrace() {
        String alice = Unique.name("alice");
        SseClient client = SseClient.connected(URI.create(cluster.node(3) + "/sse/connect/" + alice + "?topic=orders/42"));
        JsonObject answer = presenceOf(1, alice);
        assertThat(answer.getBoolean("online")).isTrue();
        assertThat(answer.getJsonArray("connections")).singleElement().satisfies(connection -> {
            assertThat(connection.asJsonObject().getString("node")).isEqualTo("node3");
            assertThat(connection.asJsonObject().getJsonArray("topics").getString(0)).isEqualTo("orders/42");
            assertThat(Instant.parse(connection.asJsonObject().getString("since"))).isBefore(Instant.now());
        });
        assertThat(answer.getJsonArray("unreachable")).isEmpty();

        Received online = awaitChange(alice, "online");
        assertThat(online.change().getString("node")).isEqualTo("node3");
        assertThat(online.change().getJsonArray("topics").getString(0)).isEqualTo("orders/42");

        Instant closed = Instant.now();
        client.close();
        Received offline = awaitChange(alice, "offline");
        assertThat(offline.change().getString("reason")).isEqualTo("client-gone");
        // The node finds a vanished client at its next writes (heartbeats); from then it waits the grace.
        Instant seenGone = Instant.parse(offline.change().getString("at"));
        assertThat(Duration.between(seenGone, offline.arrived())).isLessThan(Duration.ofSeconds(GRACE_SECONDS + 1));
        assertThat(Duration.between(closed, offline.arrived()))
                .isLessThan(Duration.ofSeconds(GRACE_SECONDS + 2L * HEARTBEAT_SECONDS + 1));
        System.out.printf("presence: offline %d ms after the node saw the client gone, %d ms after it closed%n",
                Duration.between(seenGone, offline.arrived()).toMillis(), Duration.between(closed, offline.arrived()).toMillis());
        assertThat(presenceOf(2, alice).getBoolean("online")).isFalse();
        assertThat(changesOf(alice)).extracting(Received::type).containsExactly("online", "offline");
    }

    @Test
    @Order(2)
    void aUserBackOnAnotherNodeWithinTheGraceProducesNoOfflineOrOnline() throws InterruptedException {
        String bob = Unique.name("bob");
        SseClient first = SseClient.connected(URI.create(cluster.node(1) + "/sse/connect/" + bob));
        awaitChange(bob, "online");
        first.close();
        // Once node1 has seen the client gone (its departure has started), the user comes back on node2.
        await().atMost(10, TimeUnit.SECONDS).until(() -> !presenceOf(3, bob).getBoolean("online"));
        try (SseClient again = SseClient.connected(URI.create(cluster.node(2) + "/sse/connect/" + bob))) {
            assertThat(presenceOf(1, bob).getJsonArray("connections")).singleElement()
                    .satisfies(c -> assertThat(c.asJsonObject().getString("node")).isEqualTo("node2"));
            Thread.sleep((GRACE_SECONDS + 2) * 1000L);
            assertThat(changesOf(bob)).extracting(Received::type).containsExactly("online");
        }
    }

    @Test
    @Order(3)
    void aTopicsSubscribersAreCountedExactlyAcrossNodes() {
        String room = "rooms/" + UUID.randomUUID().toString().substring(0, 8);
        String[] users = {Unique.name("u1"), Unique.name("u2"), Unique.name("u3"), Unique.name("u4")};
        try (SseClient a = SseClient.connected(URI.create(cluster.node(1) + "/sse/connect/" + users[0] + "?topic=" + room + "/a"));
             SseClient b = SseClient.connected(URI.create(cluster.node(1) + "/sse/connect/" + users[1] + "?topic=" + room + "/*"));
             SseClient c = SseClient.connected(URI.create(cluster.node(2) + "/sse/connect/" + users[2] + "?topic=" + room + "/a"));
             SseClient d = SseClient.connected(URI.create(cluster.node(3) + "/sse/connect/" + users[3] + "?topic=" + room + "/a"));
             SseClient other = SseClient.connected(URI.create(cluster.node(3) + "/sse/connect/" + Unique.name("x") + "?topic=" + room + "/b"))) {
            JsonObject all = json(get(URI.create(cluster.node(2) + "/sse/presence?topic=" + room + "/a")));
            assertThat(all.getInt("subscribers")).isEqualTo(4);
            assertThat(all.getJsonArray("users")).extracting(v -> ((jakarta.json.JsonString) v).getString())
                    .containsExactlyInAnyOrder(users);
            assertThat(all.getJsonArray("unreachable")).isEmpty();

            JsonObject limited = json(get(URI.create(cluster.node(3) + "/sse/presence?topic=" + room + "/a&limit=2")));
            assertThat(limited.getInt("subscribers")).isEqualTo(4);
            assertThat(limited.getJsonArray("users")).hasSize(2);

            JsonObject prefix = json(get(URI.create(cluster.node(1) + "/sse/presence?topic=" + room + "/*")));
            assertThat(prefix.getInt("subscribers")).isEqualTo(1);

            assertThat(get(URI.create(cluster.node(1) + "/sse/presence?topic=bad**")).statusCode()).isEqualTo(400);
            assertThat(get(URI.create(cluster.node(1) + "/sse/presence?topic=" + room + "/a&limit=1001")).statusCode())
                    .isEqualTo(400);
            assertThat(get(URI.create(cluster.node(1) + "/sse/presence/bad%0Auser")).statusCode()).isEqualTo(400);

            String metrics = get(URI.create(cluster.management(1) + "/metrics?scope=application")).body();
            assertThat(metrics).containsPattern("sse_presence_queries_answered_total\\{[^}]*subject=\"topic\"[^}]*\\} [1-9]");
            assertThat(metrics).containsPattern("sse_presence_queries_answered_total\\{[^}]*subject=\"user\"[^}]*\\} [1-9]");
            assertThat(metrics).containsPattern("sse_presence_messages_total\\{[^}]*\\} [1-9]");
            assertThat(metrics).containsPattern("sse_presence_changes_total\\{[^}]*\\} [1-9]");
        }
    }

    @Test
    @Order(4)
    void aGracefullyStoppedNodesUsersBackElsewhereInTimeAreNeverOfflineAndTheRestAre() throws InterruptedException {
        String dave = Unique.name("dave");
        String erin = Unique.name("erin");
        SseClient daveThere = SseClient.connected(URI.create(cluster.node(2) + "/sse/connect/" + dave));
        SseClient erinThere = SseClient.connected(URI.create(cluster.node(2) + "/sse/connect/" + erin));
        awaitChange(dave, "online");
        awaitChange(erin, "online");
        // The stop runs beside the test, as a rolling restart would: the clients act on the hint, not on when
        // the server stop command returns (seconds later on a busy machine, longer than the grace).
        CompletableFuture<Void> stopping = CompletableFuture.runAsync(() -> cluster.stopNode(2));
        daveThere.awaitEvent("server-shutdown");
        erinThere.awaitEvent("server-shutdown");
        // dave comes back on node3 after the hint; erin never does. node1 finished node2's graces.
        try (SseClient daveBack = SseClient.connected(URI.create(cluster.node(3) + "/sse/connect/" + dave))) {
            Received stopped = awaitNodeDown("node2");
            assertThat(stopped.change().getString("reason")).isEqualTo("stopped");
            Received erinGone = awaitChange(erin, "offline");
            assertThat(erinGone.change().getString("reason")).isEqualTo("node-shutdown");
            assertThat(erinGone.change().getString("node")).isEqualTo("node2");
            assertThat(erinGone.sender()).isEqualTo("node1");
            Thread.sleep(1000);
            assertThat(changesOf(dave)).extracting(Received::type).containsExactly("online");
            assertThat(presenceOf(1, dave).getJsonArray("connections")).hasSize(1);
        }
        daveThere.close();
        erinThere.close();
        stopping.join();
    }

    @Test
    @Order(5)
    void aKilledNodeIsAnnouncedDownOnceAndQueriesStopWaitingForIt() {
        String carol = Unique.name("carol");
        SseClient client = SseClient.connected(URI.create(cluster.node(3) + "/sse/connect/" + carol));
        awaitChange(carol, "online");
        Instant killed = Instant.now();
        ProcessHandle.of(cluster.pid(3)).orElseThrow().destroyForcibly();
        // Until the others miss three of its announcements, a query names it unreachable instead of leaving it out.
        JsonObject during = presenceOf(1, carol);
        assertThat(during.getJsonArray("unreachable")).extracting(v -> ((jakarta.json.JsonString) v).getString())
                .containsExactly("node3");

        Duration stated = Duration.ofSeconds(3L * NODE_INTERVAL_SECONDS + 2);
        Received down = awaitNodeDown("node3");
        System.out.printf("presence: node3 announced down %d ms after kill -9%n", Duration.between(killed, down.arrived()).toMillis());
        assertThat(Duration.between(killed, down.arrived())).isLessThan(stated);
        assertThat(down.change().getString("reason")).isEqualTo("unresponsive");
        assertThat(down.sender()).isEqualTo("node1");

        await().atMost(10, TimeUnit.SECONDS).until(() -> presenceOf(1, carol).getJsonArray("unreachable").isEmpty());
        JsonObject after = presenceOf(1, carol);
        assertThat(after.getBoolean("online")).isFalse();
        assertThat(after.getJsonArray("unreachable")).isEmpty();
        // Exactly one node reported it.
        await().during(2, TimeUnit.SECONDS).atMost(3, TimeUnit.SECONDS).until(() -> CHANGES.stream()
                .filter(c -> c.type().equals("node-down") && c.change().getString("node").equals("node3")).count() == 1);
        client.close();
    }
}
