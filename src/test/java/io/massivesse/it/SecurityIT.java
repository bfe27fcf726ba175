package io.massivesse.it;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import static io.massivesse.it.Http.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The bad-input suite against a secure node (SSE_SECURITY=jwt, started by scripts/cluster.sh):
 * tokens, SSE injection, malformed requests, CORS, request timeouts and TLS. A bystander stream,
 * open for the whole class, must keep getting events through all of it.
 */
@Order(5)
class SecurityIT {

    private static final Path KEYS = Path.of("target/security-it-keys").toAbsolutePath();
    private static final String ORIGIN = "https://app.example.com";
    private static final LocalCluster CLUSTER = new LocalCluster(9680, 61666)
            .with("SSE_SECURITY", "jwt")
            .with("MP_JWT_VERIFY_PUBLICKEY_LOCATION", KEYS.resolve("public.pem").toString())
            .with("MP_JWT_VERIFY_ISSUER", "massive-sse-dev")
            .with("SSE_CORS_ALLOWED_ORIGINS", ORIGIN)
            .with("SSE_MAX_MESSAGE_BYTES", "65536")
            .with("ACCESS_LOG_ENABLED", "true")
            // A short skew, so a token that expires in seconds ends its stream within the test.
            .with("MP_JWT_VERIFY_CLOCK_SKEW", "1")
            .with("HTTP_READTIMEOUT", "3s")
            .with("TCP_INACTIVITYTIMEOUT", "5s");
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    private static RSAPrivateKey privateKey;
    private static String publisherToken;
    private static SseClient bystander;

    @BeforeAll
    static void start() throws Exception {
        // The documented tool makes the key pair and the first token; the rest are minted here with its key.
        run("scripts/dev-token.sh", "bystander");
        publisherToken = run("scripts/dev-token.sh", "backend", "publisher");
        String pem = Files.readString(KEYS.resolve("private.pem")).replaceAll("-----[A-Z ]+-----", "");
        privateKey = (RSAPrivateKey) KeyFactory.getInstance("RSA")
                .generatePrivate(new PKCS8EncodedKeySpec(Base64.getMimeDecoder().decode(pem)));
        CLUSTER.start(1);
        bystander = SseClient.connected(at("/sse/connect/bystander?access_token=" + token("bystander")));
    }

    @AfterAll
    static void stop() {
        try {
            // Everything before must not have hurt anyone else: the bystander still gets events.
            assertThat(publish("/sse/broadcast", "{\"data\":\"still serving\",\"event\":\"last\"}").statusCode()).isEqualTo(202);
            assertThat(bystander.awaitEvent("last").data()).isEqualTo("still serving");
            assertThat(bystander.ended()).isFalse();
        } finally {
            bystander.close();
            CLUSTER.stop();
        }
    }

    private static String run(String... command) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("SSE_DEV_KEYS", KEYS.toString());
        Process process = builder.redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isZero();
        return out;
    }

    private static URI at(String path) {
        return URI.create(CLUSTER.node(1) + path);
    }

    static String token(String subject, String... groups) {
        return sign(privateKey, subject, Instant.now().plusSeconds(600), groups);
    }

    /** A subscriber's token whose {@code topics} claim lists what it may listen to. */
    private static String tokenWithTopics(String subject, String... topics) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.RS256), new JWTClaimsSet.Builder()
                    .issuer("massive-sse-dev").subject(subject).claim("topics", List.of(topics))
                    .issueTime(new Date()).expirationTime(Date.from(Instant.now().plusSeconds(600))).build());
            jwt.sign(new RSASSASigner(privateKey));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String sign(RSAPrivateKey key, String subject, Instant expires, String... groups) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.RS256), new JWTClaimsSet.Builder()
                    .issuer("massive-sse-dev").subject(subject).claim("groups", List.of(groups))
                    .issueTime(new Date()).expirationTime(Date.from(expires)).build());
            jwt.sign(new RSASSASigner(key));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return HTTP.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static HttpResponse<String> get(String path, String token) {
        HttpRequest.Builder request = HttpRequest.newBuilder(at(path)).header("Accept", "text/event-stream").GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        // A 200 here would be an event stream that never ends: only refusals are expected.
        return send(request);
    }

    private static HttpResponse<String> presence(String path, String token) {
        HttpRequest.Builder request = HttpRequest.newBuilder(at(path)).GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return send(request);
    }

    private static HttpResponse<String> publish(String path, String json) {
        return publish(path, "application/json", json, publisherToken);
    }

    private static HttpResponse<String> publish(String path, String contentType, String body, String token) {
        HttpRequest.Builder request = HttpRequest.newBuilder(at(path)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return send(request);
    }

    private static void assertJsonError(HttpResponse<String> response, int status) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        assertThat(json(response).getInt("status")).isEqualTo(status);
        assertThat(json(response).getString("error")).isNotBlank();
        assertThat(response.body()).doesNotContain("Exception", "\tat ", "io.massivesse");
    }

    @Test
    void topicsNeedTheTokensTopicsClaimAndTopicWritesNeedThePublisherGroup() {
        String carol = tokenWithTopics("carol", "orders/42", "tenants/acme/*");
        HttpResponse<String> refused = get("/sse/connect/carol?topic=orders/43", carol);
        assertJsonError(refused, 403);
        assertThat(json(refused).getString("error")).contains("orders/43");
        assertJsonError(get("/sse/connect/carol?topic=orders/42&topic=tenants/*", carol), 403);
        assertJsonError(get("/sse/connect/dave?topic=orders/42", token("dave")), 403);
        try (SseClient allowed = SseClient.connected(at("/sse/connect/carol?topic=orders/42&topic=tenants/acme/eu/*"
                + "&access_token=" + carol))) {
            assertJsonError(publish("/sse/topics/orders/42", "application/json", "{\"data\":\"x\"}", carol), 403);
            assertJsonError(publish("/sse/subscriptions/carol", "application/json", "{\"add\":[\"orders/43\"]}", carol), 403);
            assertJsonError(publish("/sse/topics/orders/42", "application/json", "{\"data\":\"x\"}", null), 401);
            assertThat(publish("/sse/topics/tenants/acme/eu/7", "{\"data\":\"for carol\",\"event\":\"tenant\"}")
                    .statusCode()).isEqualTo(202);
            assertThat(allowed.awaitEvent("tenant").data()).isEqualTo("for carol");
        }
    }

    @Test
    void subscribingNeedsATokenForThatUser() throws Exception {
        HttpResponse<String> none = get("/sse/connect/alice", null);
        assertJsonError(none, 401);
        assertThat(none.headers().firstValue("WWW-Authenticate").orElse("")).startsWith("Bearer");

        assertJsonError(get("/sse/connect/alice", sign(privateKey, "alice", Instant.now().minusSeconds(3600))), 401);
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        RSAPrivateKey stranger = (RSAPrivateKey) generator.generateKeyPair().getPrivate();
        assertJsonError(get("/sse/connect/alice", sign(stranger, "alice", Instant.now().plusSeconds(600))), 401);
        assertJsonError(get("/sse/connect/alice", "not.a.jwt"), 401);
        String unsigned = Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\"}".getBytes())
                + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(
                        ("{\"sub\":\"alice\",\"exp\":" + (Instant.now().getEpochSecond() + 600) + "}").getBytes()) + ".";
        assertJsonError(get("/sse/connect/alice", unsigned), 401);
        assertJsonError(get("/sse/connect/alice", token("bob")), 403);

        try (SseClient alice = SseClient.connect(at("/sse/connect/alice"), Map.of("Authorization", "Bearer " + token("alice")))) {
            assertThat(alice.status()).isEqualTo(200);
            alice.awaitEvent("connected");
        }
    }

    @Test
    void aStreamEndsWhenItsTokenExpiresAndAFreshTokenResumesWithoutAGap() {
        String user = "fran";
        // A JWT's exp is in whole seconds.
        Instant expires = Instant.now().plusSeconds(3).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        String lastId;
        try (SseClient first = SseClient.connected(at("/sse/connect/" + user + "?access_token=" + sign(privateKey, user, expires)))) {
            assertThat(publish("/sse/send/" + user, "{\"data\":\"before\",\"event\":\"note\"}").statusCode()).isEqualTo(202);
            lastId = first.awaitEvent("note").id();
            SseClient.Event expired = first.awaitEvent("token-expired");
            // exp plus the configured 1 s of clock skew, not earlier.
            assertThat(Instant.now()).isAfterOrEqualTo(expires.plusSeconds(1));
            assertThat(jakarta.json.Json.createReader(new java.io.StringReader(expired.data())).readObject().getString("userId"))
                    .isEqualTo(user);
            await().atMost(10, TimeUnit.SECONDS).until(first::ended);
            assertThat(first.events()).last().extracting(SseClient.Event::event).isEqualTo("token-expired");
        }
        assertThat(publish("/sse/send/" + user, "{\"data\":\"while away\",\"event\":\"note\"}").statusCode()).isEqualTo(202);
        try (SseClient resumed = SseClient.connect(at("/sse/connect/" + user + "?access_token=" + token(user)),
                Map.of("Last-Event-ID", lastId))) {
            assertThat(resumed.status()).isEqualTo(200);
            assertThat(publish("/sse/send/" + user, "{\"data\":\"live\",\"event\":\"note\"}").statusCode()).isEqualTo(202);
            List<SseClient.Event> events = resumed.awaitEvents(3);
            assertThat(events).extracting(SseClient.Event::event).containsExactly("connected", "note", "note");
            assertThat(events).extracting(SseClient.Event::data).endsWith("while away", "live");
        }
        HttpResponse<String> metrics = send(HttpRequest.newBuilder(URI.create(CLUSTER.management(1) + "/metrics")).GET());
        assertThat(metrics.body()).containsPattern("sse_connections_closed_total\\{[^}]*reason=\"token_expired\"[^}]*\\} [1-9]");
    }

    @Test
    void presenceQueriesNeedThePublisherGroupOrTheManagementPort() {
        assertJsonError(presence("/sse/presence/bystander", null), 401);
        assertJsonError(presence("/sse/presence/bystander", token("alice")), 403);
        assertJsonError(presence("/sse/presence?topic=orders/42", token("bystander")), 403);
        HttpResponse<String> publisher = presence("/sse/presence/bystander", publisherToken);
        assertThat(publisher.statusCode()).as(publisher.body()).isEqualTo(200);
        assertThat(json(publisher).getBoolean("online")).isTrue();
        HttpResponse<String> management = send(HttpRequest.newBuilder(
                URI.create(CLUSTER.management(1) + "/sse/presence/bystander")).GET());
        assertThat(management.statusCode()).as(management.body()).isEqualTo(200);
        assertThat(json(management).getJsonArray("connections")).hasSize(1);
    }

    @Test
    void publishingNeedsThePublisherGroup() {
        assertJsonError(publish("/sse/broadcast", "application/json", "{\"data\":\"x\"}", null), 401);
        assertJsonError(publish("/sse/broadcast", "application/json", "{\"data\":\"x\"}", token("alice")), 403);
        assertJsonError(publish("/sse/send/alice", "application/json", "{\"data\":\"x\"}", token("alice")), 403);
        // The query-string token is for EventSource only; publishers use the header.
        assertJsonError(publish("/sse/broadcast?access_token=" + publisherToken, "application/json", "{\"data\":\"x\"}", null), 401);
        assertThat(publish("/sse/send/bystander", "{\"data\":\"for you\",\"event\":\"direct\"}").statusCode()).isEqualTo(202);
        assertThat(bystander.awaitEvent("direct").data()).isEqualTo("for you");
    }

    @Test
    void theQueryStringTokenWorksForEventSourceAndStaysOutOfTheAccessLog() throws IOException {
        String token = token("carol");
        try (SseClient carol = SseClient.connected(at("/sse/connect/carol?access_token=" + token))) {
            assertThat(carol.status()).isEqualTo(200);
        }
        Path accessLog = CLUSTER.messagesLog(1).resolveSibling("http_access.log");
        await().atMost(10, TimeUnit.SECONDS).until(() -> Files.exists(accessLog)
                && Files.readString(accessLog).contains("/sse/connect/carol"));
        assertThat(Files.readString(accessLog)).doesNotContain(token).doesNotContain("access_token");
        assertThat(Files.readString(CLUSTER.messagesLog(1))).doesNotContain(token);
    }

    @Test
    void aPayloadCanNeverForgeAnEventOrAField() {
        String user = "dora";
        try (SseClient dora = SseClient.connected(at("/sse/connect/" + user + "?access_token=" + token(user)))) {
            List<String> payloads = List.of("line1\nline2", "cr\ronly", "crlf\r\nend", "x\n\nevent: forged\ndata: y",
                    "trailing\n", "nul\u0000inside", "emoji \uD83D\uDE00 and \uD834\uDD1E", "id: forged-id\nretry: 1");
            for (String payload : payloads) {
                String json = jakarta.json.Json.createObjectBuilder().add("data", payload).build().toString();
                assertThat(publish("/sse/send/" + user, json).statusCode()).isEqualTo(202);
            }
            List<SseClient.Event> events = dora.awaitEvents(1 + payloads.size());
            assertThat(events).hasSize(1 + payloads.size());
            for (int i = 0; i < payloads.size(); i++) {
                SseClient.Event event = events.get(i + 1);
                assertThat(event.event()).isEqualTo("message");
                // SSE carries a line break as LF, whichever way it was written: the data is otherwise exact.
                assertThat(event.data()).isEqualTo(payloads.get(i).replace("\r\n", "\n").replace('\r', '\n'));
                assertThat(event.id()).doesNotContain("forged");
            }
            assertThat(dora.retries()).hasSize(1);
            // Names and ids must fit on one field line: refused, not sanitised.
            for (String bad : List.of("a\nb", "a\rb", "a\r\nevent: x", "nul\u0000")) {
                String name = jakarta.json.Json.createObjectBuilder().add("data", "d").add("event", bad).build().toString();
                String id = jakarta.json.Json.createObjectBuilder().add("data", "d").add("id", bad).build().toString();
                assertJsonError(publish("/sse/send/" + user, name), 400);
                assertJsonError(publish("/sse/send/" + user, id), 400);
            }
            assertThat(dora.eventCount()).isEqualTo(1 + payloads.size());
        }
    }

    @Test
    void badRequestsGetClearJsonErrors() {
        String big = "x".repeat(10 * 1024 * 1024);
        assertJsonError(publish("/sse/broadcast", "application/json", "{\"data\":\"" + big + "\"}", publisherToken), 413);
        assertJsonError(publish("/sse/broadcast", "{\"data\": \"unterminated"), 400);
        assertJsonError(publish("/sse/broadcast", "[1,2,3]"), 400);
        assertJsonError(publish("/sse/broadcast", "application/xml", "<data>x</data>", publisherToken), 415);
        assertJsonError(publish("/sse/broadcast", "text/plain", "x", publisherToken), 415);
        assertJsonError(publish("/sse/broadcast", "{\"data\": \"   \"}"), 400);
        for (String userId : List.of("a".repeat(200), "jos%C3%A9", "a%20b", "..%2Fx")) {
            assertJsonError(publish("/sse/send/" + userId, "{\"data\":\"x\"}"), 400);
            // An encoded slash is refused by the container before any token is looked at.
            assertJsonError(get("/sse/connect/" + userId, token("anyone")), userId.startsWith("..") ? 400 : 403);
        }
        // CR/LF in the path is refused by Liberty's HTTP layer before the application, with its own one-line
        // message (JSON or HTML by the Accept header): still a 400 that says why, and no stack trace.
        for (HttpResponse<String> crlf : List.of(publish("/sse/send/%0d%0a", "{\"data\":\"x\"}"),
                get("/sse/connect/%0d%0a", token("anyone")))) {
            assertThat(crlf.statusCode()).isEqualTo(400);
            assertThat(crlf.body()).contains("improperly encoded characters").doesNotContain("Exception", "\tat ");
        }
        assertJsonError(get("/sse/no-such-endpoint", null), 404);
        String carolToken = token("carol");
        HttpResponse<String> badLastEventId = send(HttpRequest.newBuilder(at("/sse/connect/carol"))
                .header("Authorization", "Bearer " + carolToken).header("Last-Event-ID", "x".repeat(200)).GET());
        assertJsonError(badLastEventId, 400);
    }

    /** Liberty's HTTP layer refuses these before the application: a 400 that says why, without a stack trace. */
    private static void assertContainerRefusal(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(response.body()).doesNotContain("Exception", "\tat ", "io.massivesse");
    }

    @Test
    void theTopicSubscriptionAndPresenceEndpointsRefuseBadInputCleanly() {
        String json = "application/json";
        String data = "{\"data\":\"x\"}";
        String longName = "a".repeat(300);
        for (String topic : List.of("orders/*", "a%20b", "a%C3%A9", longName, "%2e%2e/x", "a%2Fb", "a/./b")) {
            assertJsonError(publish("/sse/topics/" + topic, json, data, publisherToken), 400);
        }
        for (String topic : List.of("a%00b", "a%0d%0ab", "a%0ab")) {
            assertContainerRefusal(publish("/sse/topics/" + topic, json, data, publisherToken));
        }
        assertJsonError(publish("/sse/topics/ok", json, "{\"data\": \"unterminated", publisherToken), 400);
        assertJsonError(publish("/sse/topics/ok", json, "[1]", publisherToken), 400);
        assertJsonError(publish("/sse/topics/ok", json, "{\"data\":\"x\",\"event\":\"a\\nb\"}", publisherToken), 400);
        assertJsonError(publish("/sse/topics/ok", json, "{\"data\":\"x\",\"id\":\"a\\u0000b\"}", publisherToken), 400);
        assertJsonError(publish("/sse/topics/ok", "application/xml", "<a/>", publisherToken), 415);
        assertJsonError(publish("/sse/topics/ok", "text/plain", "x", publisherToken), 415);
        assertJsonError(publish("/sse/topics", json, data, publisherToken), 404);

        String subscriptions = "/sse/subscriptions/bystander";
        for (String body : List.of("{\"add\": [\"x\"", "{}", "{\"add\":[1,2]}", "{\"add\":\"x\"}", "{\"add\":[\"a\\u0000b\"]}",
                "{\"add\":[\"a\\r\\nb\"]}", "{\"remove\":[\"" + longName + "\"]}", "{\"add\":[\"a/*/b\"]}", "{\"add\":[\"../x\"]}",
                "{\"add\":[" + String.join(",", java.util.stream.IntStream.range(0, 200).mapToObj(i -> "\"t/" + i + "\"").toList())
                        + "]}")) {
            assertJsonError(publish(subscriptions, json, body, publisherToken), 400);
        }
        assertJsonError(publish(subscriptions, "text/plain", "{\"add\":[\"x\"]}", publisherToken), 415);
        assertJsonError(publish("/sse/subscriptions/a%20b", json, "{\"add\":[\"x\"]}", publisherToken), 400);
        assertContainerRefusal(publish("/sse/subscriptions/a%00b", json, "{\"add\":[\"x\"]}", publisherToken));

        for (String query : List.of("/sse/presence/a%20b", "/sse/presence/" + longName, "/sse/presence?topic=a%00b",
                "/sse/presence?topic=a%0d%0ab", "/sse/presence?topic=../x", "/sse/presence?topic=ok&limit=0",
                "/sse/presence?topic=ok&limit=-1", "/sse/presence?topic=ok&limit=abc",
                "/sse/presence?topic=ok&limit=99999999999999", "/sse/presence")) {
            assertJsonError(presence(query, publisherToken), 400);
        }
        assertContainerRefusal(presence("/sse/presence/a%00b", publisherToken));
        assertJsonError(publish("/sse/presence/bystander", json, "{}", publisherToken), 405);
        // The bystander's own stream was not changed by any of it.
        assertThat(publish("/sse/send/bystander", "{\"data\":\"unchanged\",\"event\":\"after-bad-input\"}").statusCode())
                .isEqualTo(202);
        assertThat(bystander.awaitEvent("after-bad-input").data()).isEqualTo("unchanged");
    }

    @Test
    void oversizedUrlsAndHeadersGetJsonAnswersAndLargerOnesTheContainersPlain400() {
        String manyTopics = String.join("&", java.util.stream.IntStream.range(0, 3500).mapToObj(i -> "topic=t/" + i).toList());
        assertThat(manyTopics.length()).isBetween(32 * 1024, 64 * 1024);
        HttpResponse<String> longUrl = get("/sse/connect/carol?" + manyTopics, token("carol"));
        assertJsonError(longUrl, 414);
        assertThat(json(longUrl).getString("error")).contains("32768");

        HttpResponse<String> hugeToken = get("/sse/connect/carol", "x".repeat(40_000));
        assertJsonError(hugeToken, 431);
        assertThat(json(hugeToken).getString("error")).contains("Authorization");
        HttpRequest.Builder manyHeaders = HttpRequest.newBuilder(at("/sse/broadcast"))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + publisherToken)
                .POST(HttpRequest.BodyPublishers.ofString("{\"data\":\"x\"}"));
        for (int i = 0; i < 120; i++) {
            manyHeaders.header("X-Filler-" + i, "v");
        }
        assertJsonError(send(manyHeaders), 431);
        HttpRequest.Builder bigHeaders = HttpRequest.newBuilder(at("/sse/broadcast"))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + publisherToken)
                .POST(HttpRequest.BodyPublishers.ofString("{\"data\":\"x\"}"));
        for (int i = 0; i < 3; i++) {
            bigHeaders.header("X-Big-" + i, "b".repeat(30_000));
        }
        assertJsonError(send(bigHeaders), 431);

        // Beyond Liberty's own limits (limitFieldSize 64 KB, 500 header lines) the HTTP channel answers alone.
        String tooManyTopics = String.join("&", java.util.stream.IntStream.range(0, 7000).mapToObj(i -> "topic=t/" + i).toList());
        assertContainerRefusal(get("/sse/connect/carol?" + tooManyTopics, token("carol")));
        assertContainerRefusal(get("/sse/connect/carol", "x".repeat(70_000)));
    }

    @Test
    void aGarbageLastEventIdThatFitsALineIsAReset() {
        try (SseClient erin = SseClient.connect(at("/sse/connect/erin?access_token=" + token("erin")),
                Map.of("Last-Event-ID", "garbage-\u00e9-id"))) {
            assertThat(erin.status()).isEqualTo(200);
            assertThat(erin.awaitEvent("reset").data()).contains("\"after\"").contains("\"lost\":[\"broadcast\",\"user:erin\"]");
        }
    }

    @Test
    void corsFollowsTheConfiguredOrigins() {
        HttpResponse<String> allowed = send(HttpRequest.newBuilder(at("/sse/broadcast"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", ORIGIN).header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "authorization, content-type"));
        assertThat(allowed.statusCode()).isEqualTo(204);
        assertThat(allowed.headers().firstValue("Access-Control-Allow-Origin")).contains(ORIGIN);
        assertThat(allowed.headers().firstValue("Access-Control-Allow-Headers").orElse("")).containsIgnoringCase("authorization");

        HttpResponse<String> other = send(HttpRequest.newBuilder(at("/sse/broadcast"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://evil.example").header("Access-Control-Request-Method", "POST"));
        assertThat(other.statusCode()).isEqualTo(403);
        assertThat(other.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();

        try (SseClient frank = SseClient.connect(at("/sse/connect/frank?access_token=" + token("frank")), Map.of("Origin", ORIGIN))) {
            assertThat(frank.status()).isEqualTo(200);
            assertThat(frank.header("Access-Control-Allow-Origin")).isEqualTo(ORIGIN);
        }
    }

    @Test
    void connectionsThatNeverFinishTheirRequestAreClosed() throws IOException {
        try (Socket silent = new Socket(); Socket partial = new Socket()) {
            silent.connect(new InetSocketAddress("127.0.0.1", CLUSTER.node(1).getPort()), 5000);
            partial.connect(new InetSocketAddress("127.0.0.1", CLUSTER.node(1).getPort()), 5000);
            partial.getOutputStream().write("GET /sse/connect/alice HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
            for (Socket socket : List.of(silent, partial)) {
                socket.setSoTimeout(30_000);
                InputStream in = socket.getInputStream();
                byte[] buffer = new byte[1024];
                int read;
                do {
                    read = in.read(buffer);
                } while (read > 0);
                // End of stream: the server's read timeout (3 s here; a 408 first) or inactivity timeout (5 s) closed it.
                assertThat(read).isEqualTo(-1);
            }
        } catch (java.net.SocketException reset) {
            assertThat(reset.getMessage()).containsIgnoringCase("reset");
        }
    }

    @Test
    void theHttpsPortServesWithTheGeneratedDevelopmentKeystore() throws Exception {
        HttpClient https = HttpClient.newBuilder().sslContext(DevelopmentTls.context()).build();
        int httpsPort = CLUSTER.httpsPort(1);
        HttpResponse<String> ready = https.send(HttpRequest.newBuilder(URI.create("https://localhost:" + httpsPort + "/health/ready"))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(ready.statusCode()).isEqualTo(200);
    }
}
