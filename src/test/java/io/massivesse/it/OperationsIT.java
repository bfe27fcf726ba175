package io.massivesse.it;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import jakarta.json.JsonObject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import static io.massivesse.it.Http.get;
import static io.massivesse.it.Http.json;
import static io.massivesse.it.Http.postJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What an operator relies on, against one node and a broker started by scripts/cluster.sh:
 * health, metrics, capacity, the management port, OpenAPI, and a graceful stop (after which the
 * node is started again: the tests run in any order).
 * The node runs with SSE_MAX_CONNECTIONS=5 and a queue of 8 events per connection.
 */
@Order(4)
class OperationsIT {

    private static final LocalCluster CLUSTER = new LocalCluster(9280, 61646)
            .with("SSE_MAX_CONNECTIONS", "5")
            .with("SSE_BUFFER_SIZE", "8")
            .with("SSE_MAX_MESSAGE_BYTES", "65536")
            .with("SSE_SLOW_CONSUMER_SECONDS", "300")
            .with("SSE_HEARTBEAT_SECONDS", "1")
            .with("SSE_RETRY_MILLIS", "3000")
            .with("SSE_SHUTDOWN_SPREAD_MILLIS", "5000");

    @BeforeAll
    static void start() {
        CLUSTER.start(1);
    }

    @AfterAll
    static void stop() {
        CLUSTER.stop();
    }

    private static URI at(String path) {
        return URI.create(CLUSTER.node(1) + path);
    }

    private static URI management(String path) {
        return URI.create(CLUSTER.management(1) + path);
    }

    private static JsonObject check(HttpResponse<String> health) {
        return json(health).getJsonArray("checks").getJsonObject(0);
    }

    /** Streams an earlier test closed count until the server notices (next heartbeat): start from none. */
    private static void awaitNoConnections() {
        await().atMost(20, TimeUnit.SECONDS).until(() -> check(get(at("/health/ready")))
                .getJsonObject("data").getJsonNumber("activeConnections").intValue() == 0);
    }

    @Test
    void healthIsUpWithTheBrokerUpAndCarriesConnectionData() {
        awaitNoConnections();
        HttpResponse<String> ready = get(at("/health/ready"));
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(json(ready).getString("status")).isEqualTo("UP");
        JsonObject data = check(ready).getJsonObject("data");
        assertThat(data.getString("relay")).isEqualTo("connected");
        assertThat(data.getJsonNumber("capacity").intValue()).isEqualTo(5);
        assertThat(data.getJsonNumber("activeConnections").intValue()).isZero();
        assertThat(data.getBoolean("draining")).isFalse();
        assertThat(get(at("/health/live")).statusCode()).isEqualTo(200);
        assertThat(get(at("/health/started")).statusCode()).isEqualTo(200);
    }

    @Test
    void metricsCountExactlyWhatHappenedIncludingAnOverflow() throws Exception {
        awaitNoConnections();
        Metrics before = Metrics.read(management("/metrics?scope=application"));
        int events = 40;
        String padding = "p".repeat(16_000);
        List<SseClient> readers = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        String stalledUser = Unique.name("ops-stalled");
        try (Socket stalled = StalledClient.open(CLUSTER.node(1), stalledUser)) {
            for (int i = 0; i < 3; i++) {
                readers.add(SseClient.connected(at("/sse/connect/" + Unique.name("ops-reader"))));
            }
            await().atMost(10, TimeUnit.SECONDS).untilAsserted(() ->
                    assertThat(Metrics.read(management("/metrics?scope=application")).value("sse_connections_active"))
                            .isEqualTo(before.value("sse_connections_active") + 4));
            for (int i = 0; i < events; i++) {
                HttpResponse<String> accepted = postJson(at("/sse/broadcast"), "{\"data\":\"ops-" + i + ":" + padding + "\"}");
                assertThat(accepted.statusCode()).isEqualTo(202);
                ids.add(json(accepted).getString("id"));
            }
            for (SseClient reader : readers) {
                assertThat(reader.awaitEvents(events + 1)).hasSize(events + 1);
            }
            // The never-reading client's queue overflowed: its stream took no more events, and ends after what it
            // had queued. It reads now: the first events, none missing in between, then the end of the stream.
            List<Integer> receivedByStalled = readToEnd(stalled);
            int taken = receivedByStalled.size();
            assertThat(receivedByStalled).isNotEmpty().containsExactlyElementsOf(IntStream.range(0, taken).boxed().toList());
            assertThat(taken).isLessThan(events);

            Metrics after = Metrics.read(management("/metrics?scope=application"));
            assertThat(after.delta(before, "sse_connections_opened_total")).isEqualTo(4);
            assertThat(after.delta(before, "sse_events_published_total")).isEqualTo(events);
            assertThat(after.delta(before, "sse_events_delivered_total")).isEqualTo(3L * events + taken);
            // One event found the full queue; none after it was offered to a stream that was ending.
            assertThat(after.delta(before, "sse_events_dropped_total")).isEqualTo(1);
            assertThat(after.delta(before, "sse_relay_lag_seconds_count")).isEqualTo(events);
            assertThat(after.delta(before, "sse_fanout_duration_seconds_count")).isEqualTo(events);

            // A reader that reconnects after event 37 is replayed the two after it (and replaces its old stream).
            SseClient first = readers.get(0);
            String firstUser = first.events().get(0).data().replaceAll(".*\"userId\":\"([^\"]+)\".*", "$1");
            try (SseClient resumed = SseClient.connect(at("/sse/connect/" + firstUser),
                    Map.of("Last-Event-ID", ids.get(events - 3)))) {
                assertThat(resumed.awaitEvents(3)).extracting(SseClient.Event::id)
                        .containsExactly(null, ids.get(events - 2), ids.get(events - 1));
                Metrics resumedMetrics = Metrics.read(management("/metrics?scope=application"));
                assertThat(resumedMetrics.delta(before, "sse_events_replayed_total")).isEqualTo(2);
                assertThat(resumedMetrics.delta(before, "sse_connections_closed_total", "reason=\"replaced\"")).isEqualTo(1);
            }
            // The overflowed client resumes after the last event it read, as EventSource would: every other one,
            // once each, in order, and no reset.
            try (SseClient resumed = SseClient.connect(at("/sse/connect/" + stalledUser),
                    Map.of("Last-Event-ID", ids.get(taken - 1)))) {
                assertThat(resumed.awaitEvents(1 + events - taken)).extracting(SseClient.Event::id)
                        .containsExactlyElementsOf(Stream.concat(Stream.of((String) null), ids.subList(taken, events).stream()).toList());
                assertThat(resumed.events()).noneMatch(event -> "reset".equals(event.event()));
            }
        } finally {
            readers.forEach(SseClient::close);
        }
        // Every connection this test opened (4 + the two resumed ones) is gone, and counted so; the overflow as a
        // slow consumer.
        await().atMost(20, TimeUnit.SECONDS).untilAsserted(() -> {
            Metrics closed = Metrics.read(management("/metrics?scope=application"));
            assertThat(closed.value("sse_connections_active")).isEqualTo(before.value("sse_connections_active"));
            assertThat(closed.delta(before, "sse_connections_opened_total")).isEqualTo(6);
            assertThat(closed.delta(before, "sse_connections_closed_total")).isEqualTo(6);
            assertThat(closed.delta(before, "sse_connections_closed_total", "reason=\"slow_consumer\"")).isEqualTo(1);
        });
        String log = Files.readString(CLUSTER.messagesLog(1));
        assertThat(log).contains("connect Subscriber[" + stalledUser + "#").contains("disconnect Subscriber[" + stalledUser + "#");
    }

    @Test
    void atCapacityTheNextSubscriberGets503AndTheOthersKeepReceiving() {
        awaitNoConnections();
        List<SseClient> five = new ArrayList<>();
        try {
            for (int i = 0; i < 5; i++) {
                five.add(SseClient.connected(at("/sse/connect/" + Unique.name("cap"))));
            }
            try (SseClient sixth = SseClient.connect(at("/sse/connect/" + Unique.name("cap")))) {
                assertThat(sixth.status()).isEqualTo(503);
                assertThat(sixth.header("Retry-After")).isNotBlank();
                assertThat(sixth.header("Content-Type")).startsWith("application/json");
            }
            HttpResponse<String> ready = get(at("/health/ready"));
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(check(ready).getJsonObject("data").getJsonNumber("activeConnections").intValue()).isEqualTo(5);

            assertThat(postJson(at("/sse/broadcast"), "{\"data\":\"still here\",\"event\":\"cap\"}").statusCode()).isEqualTo(202);
            for (SseClient client : five) {
                assertThat(client.awaitEvent("cap").data()).isEqualTo("still here");
            }
            five.remove(0).close();
            await().atMost(20, TimeUnit.SECONDS).until(() -> get(at("/health/ready")).statusCode() == 200);
        } finally {
            five.forEach(SseClient::close);
        }
    }

    @Test
    void theManagementPortServesHealthMetricsAndPublishingButNotSubscribers() {
        awaitNoConnections();
        assertThat(get(management("/health/ready")).statusCode()).isEqualTo(200);
        assertThat(get(management("/metrics")).body()).contains("sse_connections_active");
        try (SseClient listener = SseClient.connected(at("/sse/connect/" + Unique.name("mgmt")))) {
            assertThat(postJson(management("/sse/broadcast"), "{\"data\":\"via management\",\"event\":\"mgmt\"}").statusCode())
                    .isEqualTo(202);
            assertThat(listener.awaitEvent("mgmt").data()).isEqualTo("via management");
        }
        HttpResponse<String> refused = get(management("/sse/connect/" + Unique.name("mgmt")));
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(json(refused).getString("error")).contains("public HTTP port");
    }

    /** Traces are off without an OTLP endpoint (TracingIT turns them on): Liberty says so for this application. */
    @Test
    void tracesAreOffWithoutAnExporter() throws Exception {
        assertThat(postJson(at("/sse/broadcast"), "{\"data\":\"untraced\"}").statusCode()).isEqualTo(202);
        assertThat(Files.readString(CLUSTER.messagesLog(1)))
                .containsPattern("CWMOT5100I: .* not configured to generate traces for the massive-sse-service application");
    }

    @Test
    void openApiDescribesPublishAndSubscribeWithExamples() {
        HttpResponse<String> openapi = get(at("/openapi"));
        assertThat(openapi.statusCode()).isEqualTo(200);
        assertThat(openapi.body()).contains("/sse/broadcast", "/sse/send/{userId}", "/sse/connect/{userId}", "order-shipped",
                "/sse/presence/{userId}", "/sse/presence:", "online: true");
        assertThat(get(at("/openapi/ui/")).statusCode()).isEqualTo(200);
    }

    @Test
    void readinessFollowsTheBroker() {
        CLUSTER.stopBroker();
        try {
            await().atMost(30, TimeUnit.SECONDS).untilAsserted(() -> {
                HttpResponse<String> ready = get(at("/health/ready"));
                assertThat(ready.statusCode()).isEqualTo(503);
                assertThat(check(ready).getJsonObject("data").getString("relay")).isEqualTo("disconnected");
            });
            assertThat(get(at("/health/live")).statusCode()).isEqualTo(200);
        } finally {
            CLUSTER.startBroker();
        }
        await().atMost(60, TimeUnit.SECONDS).until(() -> get(at("/health/ready")).statusCode() == 200);
    }

    @Test
    void stoppingTheNodeSaysGoodbyeWithASpreadRetryEndsStreamsAndExits() {
        long pid = CLUSTER.pid(1);
        SseClient a = SseClient.connected(at("/sse/connect/" + Unique.name("bye")));
        SseClient b = SseClient.connected(at("/sse/connect/" + Unique.name("bye")));
        try {
            CompletableFuture<Void> stopping = CompletableFuture.runAsync(() -> CLUSTER.stopNode(1));
            for (SseClient client : List.of(a, b)) {
                SseClient.Event goodbye = client.awaitEvent("server-shutdown");
                assertThat(parse(goodbye.data()).getString("node")).isEqualTo("node1");
                await().atMost(20, TimeUnit.SECONDS).until(client::ended);
                // connected's retry first, then the goodbye's: between retry and retry + spread.
                assertThat(client.retries()).hasSize(2);
                assertThat(Integer.parseInt(client.retries().get(1))).isBetween(3000, 8000);
            }
            stopping.join();
            await().atMost(30, TimeUnit.SECONDS).until(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
            // Drained by the endpoint-pause watcher, not after Liberty's quiesce timed out.
            String log = readLog();
            assertThat(log).contains("Drained: every stream ended").doesNotContain("CWWKE1102W");
        } finally {
            a.close();
            b.close();
            // The node comes back as it was, so no other test depends on running before this one.
            if (ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true)) {
                CLUSTER.startNode(1);
            }
        }
    }

    private static String readLog() {
        try {
            return Files.readString(CLUSTER.messagesLog(1));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonObject parse(String text) {
        return jakarta.json.Json.createReader(new java.io.StringReader(text)).readObject();
    }

    /** Reads until {@code marker} has been seen; returns how many events ("data: ops-") came. */
    /** The numbers of the {@code ops-N:} events a raw stream carries, read to its end (which must come). */
    private static List<Integer> readToEnd(Socket socket) throws IOException {
        socket.setSoTimeout(20_000);
        InputStream in = socket.getInputStream();
        StringBuilder text = new StringBuilder();
        byte[] buffer = new byte[64 * 1024];
        for (int read; (read = in.read(buffer)) >= 0; ) {
            text.append(new String(buffer, 0, read, StandardCharsets.ISO_8859_1));
        }
        Matcher events = Pattern.compile("\ndata: ops-(\\d+):").matcher(text);
        List<Integer> numbers = new ArrayList<>();
        while (events.find()) {
            numbers.add(Integer.parseInt(events.group(1)));
        }
        return numbers;
    }
}
