package io.massivesse.it;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import jakarta.jms.JMSContext;
import jakarta.jms.JMSException;
import jakarta.jms.TextMessage;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import io.massivesse.it.OtlpReceiver.ReceivedSpan;

import static io.massivesse.it.Http.get;
import static io.massivesse.it.Http.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two nodes that export traces to an OTLP/HTTP receiver in this test, turned on only by the standard
 * OpenTelemetry environment (endpoint and service name): one publish is one trace, from the REST request
 * (or an enterprise application's JMS send carrying {@code traceparent}) through the broker to a fan-out
 * span on every node; streams, probes and scrapes make no spans.
 */
@Order(6)
class TracingIT {

    private static final OtlpReceiver RECEIVER = new OtlpReceiver();

    private static final LocalCluster CLUSTER = new LocalCluster(9530, 61776)
            .with("OTEL_EXPORTER_OTLP_ENDPOINT", RECEIVER.endpoint())
            .with("OTEL_SERVICE_NAME", "sse-traced")
            .with("OTEL_BSP_SCHEDULE_DELAY", "200")
            // A closed stream is found on the next heartbeat: its request then ends, which would export its span.
            .with("SSE_HEARTBEAT_SECONDS", "2");

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void start() {
        CLUSTER.start(2);
    }

    @AfterAll
    static void stop() {
        try {
            CLUSTER.stop();
        } finally {
            RECEIVER.close();
        }
    }

    private static URI at(int node, String path) {
        return URI.create(CLUSTER.node(node) + path);
    }

    private static SseClient listen(int node, String user, String topic) {
        return SseClient.connected(at(node, "/sse/connect/" + user + "?topic=" + topic));
    }

    private static String hex(int bytes) {
        byte[] random = new byte[bytes];
        ThreadLocalRandom.current().nextBytes(random);
        return HexFormat.of().formatHex(random);
    }

    /** What an enterprise application's own JMS send to the events topic does. */
    private static void sendOverJms(String text, Map<String, String> properties) {
        try (ActiveMQConnectionFactory factory = CLUSTER.jmsClient(); JMSContext context = factory.createContext()) {
            TextMessage message = context.createTextMessage(text);
            for (Map.Entry<String, String> property : properties.entrySet()) {
                message.setStringProperty(property.getKey(), property.getValue());
            }
            context.createProducer().send(context.createTopic("sse.events"), message);
        } catch (JMSException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<ReceivedSpan> awaitTrace(String traceId, int spans) {
        await().atMost(30, TimeUnit.SECONDS).until(() -> RECEIVER.trace(traceId).size() >= spans);
        return RECEIVER.trace(traceId);
    }

    private static ReceivedSpan only(List<ReceivedSpan> spans, String kind) {
        List<ReceivedSpan> ofKind = spans.stream().filter(span -> span.kind().equals("SPAN_KIND_" + kind)).toList();
        assertThat(ofKind).as(kind + " spans").hasSize(1);
        return ofKind.get(0);
    }

    /** Connections reached by node, from the fan-out spans under {@code parent}. */
    private static Map<String, String> fanOuts(List<ReceivedSpan> spans, String parent, String eventId) {
        List<ReceivedSpan> fanOuts = spans.stream().filter(span -> span.kind().equals("SPAN_KIND_CONSUMER")).toList();
        assertThat(fanOuts).allSatisfy(span -> {
            assertThat(span.name()).isEqualTo("fan-out");
            assertThat(span.parentSpanId()).as("the fan-out is a child of the send").isEqualTo(parent);
            assertThat(span.attribute("sse.event.id")).isEqualTo(eventId);
            assertThat(span.attribute("sse.node")).isEqualTo(span.resource().get("service.instance.id"));
            assertThat(span.resource()).containsEntry("service.name", "sse-traced");
            assertThat(span.endNanos()).isGreaterThanOrEqualTo(span.startNanos());
        });
        return fanOuts.stream().collect(Collectors.toMap(span -> span.resource().get("service.instance.id"),
                span -> span.attribute("sse.connections")));
    }

    @Test
    void aRestPublishIsOneTraceFromTheRequestThroughTheBrokerToEveryNode() throws Exception {
        String topic = "traced-" + UUID.randomUUID();
        String traceId = hex(16);
        String callerSpan = hex(8);
        try (SseClient a = listen(1, "tr-a", topic); SseClient b = listen(1, "tr-b", topic);
             SseClient c = listen(2, "tr-c", topic)) {
            HttpResponse<String> accepted = HTTP.send(HttpRequest.newBuilder(at(1, "/sse/topics/" + topic))
                    .header("Content-Type", "application/json")
                    .header("traceparent", "00-" + traceId + "-" + callerSpan + "-01")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"data\":\"traced\",\"event\":\"traced\"}"))
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(accepted.statusCode()).isEqualTo(202);
            String id = json(accepted).getString("id");
            for (SseClient client : List.of(a, b, c)) {
                assertThat(client.awaitEvent("traced").id()).isEqualTo(id);
            }

            List<ReceivedSpan> trace = awaitTrace(traceId, 4);
            ReceivedSpan request = only(trace, "SERVER");
            assertThat(request.name()).startsWith("POST /sse/topics/");
            assertThat(request.parentSpanId()).as("the request joins its caller's trace").isEqualTo(callerSpan);
            assertThat(request.resource()).containsEntry("service.instance.id", "node1");
            ReceivedSpan send = only(trace, "PRODUCER");
            assertThat(send.parentSpanId()).as("the send is a child of the request").isEqualTo(request.spanId());
            assertThat(send.name()).isEqualTo("publish sse.events");
            assertThat(send.attribute("sse.event.id")).isEqualTo(id);
            assertThat(send.attribute("sse.event.target")).isEqualTo("topic");
            assertThat(fanOuts(trace, send.spanId(), id)).containsExactlyInAnyOrderEntriesOf(Map.of("node1", "2", "node2", "1"));
            assertThat(trace).hasSize(4);
        }
    }

    @Test
    void anEnterpriseApplicationsJmsSendCarryingTraceparentJoinsItsTrace() {
        String topic = "traced-jms-" + UUID.randomUUID();
        String traceId = hex(16);
        String senderSpan = hex(8);
        String id = "jms-" + UUID.randomUUID();
        try (SseClient a = listen(2, "trj-a", topic)) {
            sendOverJms("from an enterprise app", Map.of("sseTopic", topic, "sseEvent", "invoice", "sseId", id,
                    "traceparent", "00-" + traceId + "-" + senderSpan + "-01"));
            assertThat(a.awaitEvent("invoice").id()).isEqualTo(id);

            List<ReceivedSpan> trace = awaitTrace(traceId, 2);
            assertThat(fanOuts(trace, senderSpan, id)).containsExactlyInAnyOrderEntriesOf(Map.of("node1", "0", "node2", "1"));
            assertThat(trace).hasSize(2);
        }
    }

    @Test
    void streamsProbesAndScrapesMakeNoSpans() {
        String topic = "untraced-" + UUID.randomUUID();
        try (SseClient a = listen(1, "tru-a", topic); SseClient b = listen(2, "tru-b", topic)) {
            assertThat(a.awaitEvents(1)).isNotEmpty();
            assertThat(b.awaitEvents(1)).isNotEmpty();
        }
        for (int node = 1; node <= 2; node++) {
            assertThat(get(URI.create(CLUSTER.management(node) + "/health/ready")).statusCode()).isEqualTo(200);
            assertThat(get(URI.create(CLUSTER.management(node) + "/metrics")).statusCode()).isEqualTo(200);
        }
        // Both streams' requests end once a heartbeat finds them closed; a span of theirs would be exported then.
        for (int node = 1; node <= 2; node++) {
            URI metrics = URI.create(CLUSTER.management(node) + "/metrics?scope=application");
            await().atMost(30, TimeUnit.SECONDS).untilAsserted(() ->
                    assertThat(Metrics.read(metrics).value("sse_connections_active")).isZero());
        }
        // A marker trace exported after them shows the exporter has sent everything before it.
        String traceId = hex(16);
        sendOverJms("marker", Map.of("traceparent", "00-" + traceId + "-" + hex(8) + "-01"));
        awaitTrace(traceId, 2);
        assertThat(RECEIVER.spans()).as("spans of streams, probes or scrapes")
                .noneMatch(span -> span.kind().equals("SPAN_KIND_SERVER") && !span.name().startsWith("POST /sse/"));
        assertThat(RECEIVER.spans()).noneMatch(span -> String.valueOf(span.attribute("url.path")).startsWith("/sse/connect"));
        assertThat(RECEIVER.otherRequests()).as("metrics or logs exported").isZero();
    }
}
