package io.massivesse.it;

import java.net.URI;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.TimeUnit;

import jakarta.json.JsonObject;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;

import static io.massivesse.it.Http.json;
import static io.massivesse.it.Http.post;
import static io.massivesse.it.Http.postJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Subscribe and publish against a real Liberty node over real sockets (one node of a shared cluster, local publisher). */
@ResourceLock(SharedClusters.TWO_NODES)
@Order(10)
class PushIT {

    private static LocalCluster cluster;

    @BeforeAll
    static void start() {
        cluster = SharedClusters.twoNodes();
    }

    private URI uri(String path) {
        return URI.create(cluster.node(1) + path);
    }

    private SseClient connect(String userId) {
        return SseClient.connected(uri("/sse/connect/" + userId));
    }

    @Test
    void firstFrameIsRetryAndConnected() {
        String user = Unique.name("alice");
        try (SseClient alice = SseClient.connect(uri("/sse/connect/" + user))) {
            assertThat(alice.status()).isEqualTo(200);
            assertThat(alice.header("Content-Type")).startsWith("text/event-stream");
            SseClient.Event connected = alice.awaitEvent("connected");
            assertThat(alice.events().get(0)).isEqualTo(connected);
            assertThat(alice.retries()).containsExactly("3000");
            JsonObject data = jakarta.json.Json.createReader(new java.io.StringReader(connected.data())).readObject();
            assertThat(data.getString("userId")).isEqualTo(user);
            assertThat(data.getString("node")).isNotBlank();
        }
    }

    @Test
    void broadcastReachesEveryUserWithIdNameAndMultiLineData() {
        try (SseClient u1 = connect(Unique.name("b-user1")); SseClient u2 = connect(Unique.name("b-user2"));
             SseClient u3 = connect(Unique.name("b-user3"))) {
            HttpResponse<String> accepted = postJson(uri("/sse/broadcast"),
                    "{\"data\":\"hello\\nworld\\r\\nagain\",\"event\":\"greeting\"}");
            assertThat(accepted.statusCode()).isEqualTo(202);
            String id = json(accepted).getString("id");
            for (SseClient client : List.of(u1, u2, u3)) {
                SseClient.Event greeting = client.awaitEvent("greeting");
                assertThat(greeting.data()).isEqualTo("hello\nworld\nagain");
                assertThat(greeting.id()).isEqualTo(id);
            }
        }
    }

    @Test
    void originalServiceFormsPublishDefaultMessages() {
        String user = Unique.name("form-user");
        try (SseClient client = connect(user)) {
            assertThat(post(uri("/sse/broadcast?message=hi"), null, null).statusCode()).isEqualTo(202);
            assertThat(post(uri("/sse/send/" + user), "application/x-www-form-urlencoded",
                    "message=from+a+form%21").statusCode()).isEqualTo(202);
            List<SseClient.Event> events = client.awaitEvents(3);
            assertThat(events.subList(1, 3)).extracting(SseClient.Event::event, SseClient.Event::data)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("message", "hi"),
                            org.assertj.core.groups.Tuple.tuple("message", "from a form!"));
        }
    }

    @Test
    void sendReachesOnlyItsUser() {
        String targetUser = Unique.name("s-target");
        try (SseClient target = connect(targetUser); SseClient other = connect(Unique.name("s-other"))) {
            // Ids are idempotency keys the broker remembers across runs: make this one new.
            String id = "my-id-" + java.util.UUID.randomUUID();
            assertThat(postJson(uri("/sse/send/" + targetUser), "{\"data\":\"just for you\",\"id\":\"" + id + "\"}")
                    .statusCode()).isEqualTo(202);
            assertThat(postJson(uri("/sse/broadcast"), "{\"data\":\"for all\",\"event\":\"after\"}").statusCode())
                    .isEqualTo(202);
            assertThat(target.awaitEvents(3)).extracting(SseClient.Event::data)
                    .containsExactly(target.events().get(0).data(), "just for you", "for all");
            assertThat(target.events().get(1).id()).isEqualTo(id);
            // The broadcast came after the targeted send; once it is here, the send would have been too.
            other.awaitEvent("after");
            assertThat(other.events()).extracting(SseClient.Event::data).doesNotContain("just for you");
        }
    }

    @Test
    void secondConnectionOfAUserReplacesTheFirst() {
        String user = Unique.name("carol");
        try (SseClient first = connect(user)) {
            try (SseClient second = connect(user)) {
                first.awaitEvent("replaced");
                await().atMost(10, TimeUnit.SECONDS).until(first::ended);
                assertThat(postJson(uri("/sse/send/" + user), "{\"data\":\"to the new one\"}").statusCode())
                        .isEqualTo(202);
                assertThat(second.awaitEvents(2).get(1).data()).isEqualTo("to the new one");
                assertThat(first.events()).extracting(SseClient.Event::data).doesNotContain("to the new one");
            }
        }
    }

    @Test
    void heartbeatCommentArrives() {
        // Test clusters run with SSE_HEARTBEAT_SECONDS=1 (LocalCluster).
        try (SseClient client = connect(Unique.name("hb-user"))) {
            await().atMost(10, TimeUnit.SECONDS).until(() -> client.comments().contains("ping"));
        }
    }

    @Test
    void badInputGetsJsonErrorsAndOthersKeepReceiving() {
        try (SseClient bystander = connect(Unique.name("bystander"))) {
            assertError(Http.get(uri("/sse/connect/bad%20user")), 400);
            assertError(postJson(uri("/sse/send/bad%20user"), "{\"data\":\"x\"}"), 400);
            assertError(postJson(uri("/sse/broadcast"), "{\"data\":\"   \"}"), 400);
            assertError(postJson(uri("/sse/broadcast"), "{\"event\":\"no data\"}"), 400);
            assertError(postJson(uri("/sse/broadcast"), "{\"data\": \"unterminated"), 400);
            assertError(postJson(uri("/sse/broadcast"), "[1,2]"), 400);
            assertError(postJson(uri("/sse/broadcast"), "{\"data\":\"x\",\"event\":\"a\\nevent: forged\"}"), 400);
            assertError(postJson(uri("/sse/broadcast"), "{\"data\":\"x\",\"id\":\"1\\r2\"}"), 400);
            // The node's SSE_MAX_MESSAGE_BYTES is the default, 64 KiB.
            assertError(postJson(uri("/sse/broadcast"), "{\"data\":\"" + "x".repeat(65_537) + "\"}"), 413);
            assertError(post(uri("/sse/broadcast"), "text/plain", "hello"), 415);
            assertError(post(uri("/sse/broadcast"), null, null), 400);

            assertThat(postJson(uri("/sse/broadcast"), "{\"data\":\"still here\"}").statusCode()).isEqualTo(202);
            assertThat(bystander.awaitEvents(2)).extracting(SseClient.Event::data).contains("still here");
            // Nothing refused above reached anyone.
            assertThat(bystander.events()).hasSize(2);
        }
    }

    @Test
    void badUserIdOnSubscribeIsAJsonError() {
        HttpResponse<String> response = Http.get(uri("/sse/connect/" + "x".repeat(129)));
        assertError(response, 400);
    }

    private static void assertError(HttpResponse<String> response, int status) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        JsonObject error = json(response);
        assertThat(error.getInt("status")).isEqualTo(status);
        assertThat(error.getString("error")).isNotBlank();
    }
}
