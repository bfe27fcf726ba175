package io.massivesse.it;

import java.net.URI;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import jakarta.jms.JMSContext;
import jakarta.jms.TextMessage;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;

import static io.massivesse.it.Http.json;
import static io.massivesse.it.Http.postJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Three Liberty nodes and one Artemis broker started by scripts/cluster.sh, as a user would:
 * events cross nodes through the JMS topic, duplicates are replaced across nodes, and the
 * relay survives a broker restart.
 */
@ResourceLock(SharedClusters.THREE_NODES)
@Order(2)
class ClusterIT {

    private static LocalCluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = SharedClusters.threeNodes();
    }

    private static URI at(int node, String path) {
        return URI.create(cluster.node(node) + path);
    }

    private static SseClient connect(int node, String userId) {
        return SseClient.connected(at(node, "/sse/connect/" + userId));
    }

    @Test
    void broadcastPostedAtNode1ReachesClientsOnEveryNode() {
        try (SseClient a = connect(1, Unique.name("c-a")); SseClient b = connect(2, Unique.name("c-b"));
             SseClient c = connect(3, Unique.name("c-c"))) {
            HttpResponse<String> accepted = postJson(at(1, "/sse/broadcast"), "{\"data\":\"to everyone\",\"event\":\"news\"}");
            assertThat(accepted.statusCode()).isEqualTo(202);
            String id = json(accepted).getString("id");
            for (SseClient client : List.of(a, b, c)) {
                SseClient.Event news = client.awaitEvent("news");
                assertThat(news.data()).isEqualTo("to everyone");
                assertThat(news.id()).isEqualTo(id);
            }
        }
    }

    @Test
    void sendPostedAtNode1ReachesOnlyItsUserOnNode3() {
        String targetUser = Unique.name("t-target");
        try (SseClient target = connect(3, targetUser); SseClient sameNode = connect(3, Unique.name("t-other"));
             SseClient otherNode = connect(1, Unique.name("t-target-elsewhere"))) {
            assertThat(postJson(at(1, "/sse/send/" + targetUser), "{\"data\":\"private\"}").statusCode()).isEqualTo(202);
            assertThat(postJson(at(2, "/sse/broadcast"), "{\"data\":\"public\",\"event\":\"after\"}").statusCode())
                    .isEqualTo(202);
            assertThat(target.awaitEvents(3)).extracting(SseClient.Event::data).containsSubsequence("private", "public");
            for (SseClient bystander : List.of(sameNode, otherNode)) {
                bystander.awaitEvent("after");
                assertThat(bystander.events()).extracting(SseClient.Event::data).doesNotContain("private");
            }
        }
    }

    @Test
    void plainJmsClientMessageReachesItsUser() throws Exception {
        String jmsUser = Unique.name("jms-user");
        try (SseClient user = connect(2, jmsUser); SseClient other = connect(1, Unique.name("jms-other"));
             ActiveMQConnectionFactory factory = cluster.jmsClient();
             JMSContext context = factory.createContext()) {
            TextMessage message = context.createTextMessage("from an enterprise app\nline two");
            message.setStringProperty("sseUserId", jmsUser);
            message.setStringProperty("sseEvent", "invoice");
            String id = "inv-" + UUID.randomUUID();
            message.setStringProperty("sseId", id);
            context.createProducer().send(context.createTopic("sse.events"), message);

            SseClient.Event invoice = user.awaitEvent("invoice");
            assertThat(invoice.data()).isEqualTo("from an enterprise app\nline two");
            assertThat(invoice.id()).isEqualTo(id);

            // An injected event name is dropped by every node, never framed.
            TextMessage forged = context.createTextMessage("x");
            forged.setStringProperty("sseEvent", "a\nevent: forged");
            context.createProducer().send(context.createTopic("sse.events"), forged);
            assertThat(postJson(at(3, "/sse/broadcast"), "{\"data\":\"marker\",\"event\":\"marker\"}").statusCode())
                    .isEqualTo(202);
            other.awaitEvent("marker");
            user.awaitEvent("marker");
            assertThat(user.events()).extracting(SseClient.Event::event).doesNotContain("forged", "a");
            assertThat(other.events()).extracting(SseClient.Event::data).doesNotContain("from an enterprise app\nline two");
        }
    }

    @Test
    void retriedPublishWithTheSameIdIsDeliveredOnce() {
        // Ids are idempotency keys the broker remembers across runs: make this one new.
        String id = "order-" + UUID.randomUUID();
        String user = Unique.name("dup-user");
        try (SseClient client = connect(2, user)) {
            for (int attempt = 0; attempt < 3; attempt++) {
                assertThat(postJson(at(1 + attempt, "/sse/send/" + user), "{\"data\":\"once\",\"id\":\"" + id + "\"}")
                        .statusCode()).isEqualTo(202);
            }
            assertThat(postJson(at(1, "/sse/send/" + user), "{\"data\":\"after\",\"event\":\"after\"}").statusCode())
                    .isEqualTo(202);
            client.awaitEvent("after");
            assertThat(client.events()).filteredOn(e -> id.equals(e.id())).hasSize(1);
        }
    }

    @Test
    void newerConnectionOnAnotherNodeReplacesTheOlder() {
        String user = Unique.name("roaming");
        try (SseClient older = connect(1, user)) {
            try (SseClient newer = connect(3, user)) {
                older.awaitEvent("replaced");
                await().atMost(10, TimeUnit.SECONDS).until(older::ended);
                assertThat(postJson(at(2, "/sse/send/" + user), "{\"data\":\"here now\"}").statusCode()).isEqualTo(202);
                assertThat(newer.awaitEvents(2).get(1).data()).isEqualTo("here now");
                assertThat(newer.events()).extracting(SseClient.Event::event).doesNotContain("replaced");
            }
        }
    }

    /** What a container runtime does to stop a pod: SIGTERM alone, no `server stop`. */
    @Test
    void sigtermAloneDrainsANode() {
        ProcessHandle node3 = ProcessHandle.of(cluster.pid(3)).orElseThrow();
        String user = Unique.name("terminated");
        try (SseClient client = connect(3, user)) {
            assertThat(node3.destroy()).as("SIGTERM sent").isTrue();
            SseClient.Event goodbye = client.awaitEvent("server-shutdown");
            assertThat(goodbye.data()).contains("node3");
            // The drain's spread: each stream is told to come back after a retry between its bounds.
            assertThat(client.retries()).hasSize(2);
            await().atMost(10, TimeUnit.SECONDS).until(client::ended);
            await().atMost(60, TimeUnit.SECONDS).until(() -> !node3.isAlive());
        } finally {
            cluster.startNode(3);
        }
        try (SseClient back = connect(3, user)) {
            assertThat(postJson(at(1, "/sse/send/" + user), "{\"data\":\"back on node3\"}").statusCode()).isEqualTo(202);
            assertThat(back.awaitEvents(2).get(1).data()).isEqualTo("back on node3");
        }
    }

    @Test
    void brokerOutageGives503AndTheRelayResumesOverOpenStreams() {
        try (SseClient a = connect(1, Unique.name("o-a")); SseClient b = connect(2, Unique.name("o-b"));
             SseClient c = connect(3, Unique.name("o-c"))) {
            cluster.stopBroker();
            try {
                HttpResponse<String> refused = postJson(at(1, "/sse/broadcast"), "{\"data\":\"lost?\"}");
                assertThat(refused.statusCode()).isEqualTo(503);
                assertThat(refused.headers().firstValue("Retry-After")).isPresent();
                assertThat(json(refused).getInt("status")).isEqualTo(503);
            } finally {
                cluster.startBroker();
            }
            await().atMost(60, TimeUnit.SECONDS).pollInterval(1, TimeUnit.SECONDS).until(() ->
                    postJson(at(2, "/sse/broadcast"), "{\"data\":\"back\",\"event\":\"back\"}").statusCode() == 202);
            for (SseClient client : List.of(a, b, c)) {
                client.awaitEvent("back");
                assertThat(client.ended()).isFalse();
                assertThat(client.events()).extracting(SseClient.Event::data).doesNotContain("lost?");
            }
        }
    }
}
