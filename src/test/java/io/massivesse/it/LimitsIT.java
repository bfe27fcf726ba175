package io.massivesse.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.json.Json;
import jakarta.json.JsonObject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Rate limits on a real node (open mode, so a publisher is its client address): publishes and subscribes
 * over their limits get 429 with Retry-After and the JSON error, and go through again after it; the
 * management port is not limited; a bystander stream keeps receiving throughout. Loopback is the trusted
 * proxy here, so X-Forwarded-For gives each test a client address of its own.
 */
@Order(12)
class LimitsIT {

    private static final int RATE = 2;
    private static final int BURST = 4;
    private static final LocalCluster CLUSTER = new LocalCluster(9330, 61726)
            .with("SSE_RATE_PUBLISH_PER_SECOND", String.valueOf(RATE))
            .with("SSE_RATE_PUBLISH_BURST", String.valueOf(BURST))
            .with("SSE_RATE_SUBSCRIBE_PER_SECOND", String.valueOf(RATE))
            .with("SSE_RATE_SUBSCRIBE_BURST", String.valueOf(BURST))
            .with("SSE_TRUSTED_PROXIES", "127.0.0.1,::1");
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private static SseClient bystander;

    @BeforeAll
    static void start() {
        CLUSTER.start(1);
        bystander = SseClient.connected(URI.create(CLUSTER.node(1) + "/sse/connect/bystander"));
    }

    @AfterAll
    static void stop() {
        try {
            assertThat(publish(CLUSTER.node(1), "198.51.100.99", "{\"data\":\"still serving\",\"event\":\"last\"}")
                    .statusCode()).isEqualTo(202);
            assertThat(bystander.awaitEvent("last").data()).isEqualTo("still serving");
            assertThat(bystander.ended()).isFalse();
        } finally {
            bystander.close();
            CLUSTER.stop();
        }
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return HTTP.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static HttpResponse<String> publish(URI node, String clientAddress, String json) {
        return send(HttpRequest.newBuilder(URI.create(node + "/sse/broadcast")).header("Content-Type", "application/json")
                .header("X-Forwarded-For", clientAddress).POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    /** Answers once the headers are in: a 200 is a stream, which the caller closes. */
    private static HttpResponse<InputStream> subscribe(String user, String clientAddress) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(CLUSTER.node(1) + "/sse/connect/" + user))
                    .header("Accept", "text/event-stream").header("X-Forwarded-For", clientAddress)
                    .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void assertTooMany(int status, HttpHeaders headers, String body, String what) {
        assertThat(status).as(body).isEqualTo(429);
        assertThat(headers.firstValue("Content-Type").orElse("")).startsWith("application/json");
        JsonObject error = Json.createReader(new StringReader(body)).readObject();
        assertThat(error.getInt("status")).isEqualTo(429);
        assertThat(error.getString("error")).contains(what);
        assertThat(Integer.parseInt(headers.firstValue("Retry-After").orElseThrow())).isBetween(1, 2);
    }

    private static void sleepSeconds(int seconds) {
        try {
            Thread.sleep(seconds * 1000L);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String metrics() {
        return send(HttpRequest.newBuilder(URI.create(CLUSTER.management(1) + "/metrics")).GET()).body();
    }

    @Test
    void publishesOverTheLimitGet429AtTheConfiguredRateAndRecover() {
        String address = "198.51.100.1";
        long start = System.nanoTime();
        List<Integer> statuses = new ArrayList<>();
        HttpResponse<String> refused = null;
        for (int i = 0; i < 12; i++) {
            HttpResponse<String> response = publish(CLUSTER.node(1), address, "{\"data\":\"p" + i + "\"}");
            statuses.add(response.statusCode());
            if (response.statusCode() == 429 && refused == null) {
                refused = response;
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        assertThat(statuses).as("statuses").containsOnly(202, 429);
        assertThat(statuses.subList(0, BURST)).containsOnly(202);
        // The burst, plus what the rate refilled while the requests were being made: no more.
        assertThat(statuses.stream().filter(s -> s == 202).count()).isLessThanOrEqualTo(BURST + (long) Math.ceil(RATE * seconds));
        assertThat(refused).isNotNull();
        assertTooMany(refused.statusCode(), refused.headers(), refused.body(), "publishes");

        // Another publisher is not held back by this one, and the management port is not limited at all.
        assertThat(publish(CLUSTER.node(1), "198.51.100.2", "{\"data\":\"other\"}").statusCode()).isEqualTo(202);
        for (int i = 0; i < 3 * BURST; i++) {
            assertThat(publish(CLUSTER.management(1), address, "{\"data\":\"m" + i + "\"}").statusCode()).isEqualTo(202);
        }
        sleepSeconds(Integer.parseInt(refused.headers().firstValue("Retry-After").orElseThrow()));
        assertThat(publish(CLUSTER.node(1), address, "{\"data\":\"again\",\"event\":\"again\"}").statusCode()).isEqualTo(202);
        assertThat(bystander.awaitEvent("again").data()).isEqualTo("again");
        assertThat(metrics()).containsPattern("sse_rate_limited_total\\{[^}]*kind=\"publish\"[^}]*\\} [1-9]");
    }

    @Test
    void subscribesOverTheLimitGet429AtTheConfiguredRateAndRecover() throws IOException {
        String address = "198.51.100.3";
        List<HttpResponse<InputStream>> open = new ArrayList<>();
        try {
            long start = System.nanoTime();
            HttpResponse<InputStream> refused = null;
            for (int i = 0; i < 12 && refused == null; i++) {
                HttpResponse<InputStream> response = subscribe("sub" + i, address);
                if (response.statusCode() == 200) {
                    open.add(response);
                } else {
                    refused = response;
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            assertThat(refused).as("a subscribe over the limit").isNotNull();
            assertThat(open).hasSizeBetween(BURST, BURST + (int) Math.ceil(RATE * seconds));
            String body = new String(refused.body().readAllBytes(), StandardCharsets.UTF_8);
            assertTooMany(refused.statusCode(), refused.headers(), body, "subscribes");
            // Another address subscribes meanwhile.
            try (SseClient other = SseClient.connected(URI.create(CLUSTER.node(1) + "/sse/connect/elsewhere"))) {
                assertThat(other.status()).isEqualTo(200);
            }
            sleepSeconds(Integer.parseInt(refused.headers().firstValue("Retry-After").orElseThrow()));
            try (SseClient again = SseClient.connect(URI.create(CLUSTER.node(1) + "/sse/connect/again"),
                    Map.of("X-Forwarded-For", address))) {
                assertThat(again.status()).isEqualTo(200);
                again.awaitEvent("connected");
            }
            assertThat(metrics()).containsPattern("sse_rate_limited_total\\{[^}]*kind=\"subscribe\"[^}]*\\} [1-9]");
        } finally {
            for (HttpResponse<InputStream> stream : open) {
                stream.body().close();
            }
        }
    }
}
