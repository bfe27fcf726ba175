package io.massivesse.it;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import jakarta.json.Json;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;

import static io.massivesse.it.Http.json;
import static io.massivesse.it.Http.postJson;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * docker/nginx/sse.conf, run by Debian's nginx in front of two nodes started by scripts/cluster.sh:
 * streams pass unbuffered, broadcasts reach users on every node, a user sticks to one node.
 */
@ResourceLock(SharedClusters.TWO_NODES)
@ResourceLock(LocalNginx.LOCK)
@Order(8)
class NginxIT {

    private static LocalNginx nginx;

    @BeforeAll
    static void start() throws Exception {
        LocalCluster cluster = SharedClusters.twoNodes();
        nginx = LocalNginx.start(List.of(cluster.node(1), cluster.node(2)));
    }

    @AfterAll
    static void stop() {
        if (nginx != null) {
            nginx.close();
        }
    }

    private static String nodeOf(SseClient client) {
        return Json.createReader(new java.io.StringReader(client.awaitEvent("connected").data())).readObject().getString("node");
    }

    @Test
    void eventsPassThroughAsTheyAreWritten() {
        try (SseClient client = SseClient.connected(LocalNginx.uri("/sse/connect/ngx-" + UUID.randomUUID()))) {
            assertThat(client.header("Content-Type")).startsWith("text/event-stream");
            assertThat(client.header("Content-Encoding")).isNull();
            // Each event is a few dozen bytes: a buffering proxy would hold them until kilobytes had piled up.
            for (int i = 0; i < 3; i++) {
                HttpResponse<String> accepted = postJson(LocalNginx.uri("/sse/broadcast"), "{\"data\":\"small " + i + "\"}");
                assertThat(accepted.statusCode()).isEqualTo(202);
                String id = json(accepted).getString("id");
                int expected = i + 2;
                assertThat(client.awaitEvents(expected).get(expected - 1).id()).isEqualTo(id);
            }
        }
    }

    @Test
    void aBroadcastReachesUsersOnEveryNodeThroughIt() {
        List<SseClient> clients = new ArrayList<>();
        try {
            Set<String> nodes = new HashSet<>();
            for (int i = 0; i < 24; i++) {
                SseClient client = SseClient.connected(LocalNginx.uri("/sse/connect/spread-" + i + "-" + UUID.randomUUID()));
                clients.add(client);
                nodes.add(nodeOf(client));
            }
            assertThat(nodes).containsExactlyInAnyOrder("node1", "node2");
            assertThat(postJson(LocalNginx.uri("/sse/broadcast"), "{\"data\":\"to all\",\"event\":\"all\"}").statusCode())
                    .isEqualTo(202);
            for (SseClient client : clients) {
                assertThat(client.awaitEvent("all").data()).isEqualTo("to all");
            }
        } finally {
            clients.forEach(SseClient::close);
        }
    }

    @Test
    void aUsersReconnectsLandOnTheSameNode() {
        String user = "sticky-" + UUID.randomUUID();
        Set<String> nodes = new HashSet<>();
        for (int i = 0; i < 4; i++) {
            try (SseClient client = SseClient.connected(LocalNginx.uri("/sse/connect/" + user))) {
                nodes.add(nodeOf(client));
            }
        }
        assertThat(nodes).hasSize(1);
    }
}
