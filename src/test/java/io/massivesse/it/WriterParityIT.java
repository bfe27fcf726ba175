package io.massivesse.it;

import java.net.URI;
import java.util.List;
import java.util.concurrent.TimeUnit;

import jakarta.json.Json;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;

import static io.massivesse.it.Http.postJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Both writers carry the same data: one list of awkward payloads goes through a node with the
 * default writer ({@code SSE_WRITER=frames}) and one with the JAX-RS sink writer, and a real
 * WHATWG EventSource (headless Chromium) must read each payload back as it was published.
 */
@ResourceLock(SharedClusters.TWO_NODES)
@Order(11)
class WriterParityIT {

    /** The default writer runs on the shared cluster, whose messages may have the default 64 KiB. */
    private static LocalCluster frames;
    private static final LocalCluster SINK = new LocalCluster(9580, 61706).with("SSE_WRITER", "sink")
            .with("SSE_MAX_MESSAGE_BYTES", "65536");

    /** Payloads that break naive encoders; SSE has no CR, so a reader sees CR and CRLF as LF. */
    static final List<String> AWKWARD = List.of(
            "plain",
            " leading space",
            "trailing space ",
            "  both  ",
            "two\nlines",
            "crlf\r\nline",
            "cr\rline",
            "trailing line feed\n",
            "\nleading line feed",
            "empty\n\nline between",
            "many\n\n\n\nempty lines\n\n",
            "data: forged\nevent: forged\nid: forged\nretry: 1",
            ": looks like a comment",
            "{\"json\": [1, 2, {\"nested\": \"yes\"}]}",
            "tab\tand \\ backslash",
            "emoji 😀 umlaut ü cjk 漢字",
            "line\u2028separator\u2029paragraph",
            "x".repeat(60_000));

    private static WebDriver browser;

    @BeforeAll
    static void start() throws Exception {
        frames = SharedClusters.twoNodes();
        SINK.start(1);
        browser = HeadlessChromium.start("writer-parity-it");
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        SINK.stop();
    }

    @Test
    void theDefaultWriterDeliversEveryPayloadExactly() {
        assertThat(throughEventSource(frames.node(1), Unique.name("parity-frames"))).containsExactlyElementsOf(asRead(AWKWARD));
    }

    @Test
    void theSinkWriterDeliversEveryPayloadExactly() {
        assertThat(throughEventSource(SINK.node(1), Unique.name("parity-sink"))).containsExactlyElementsOf(asRead(AWKWARD));
    }

    /** The sink writer registers each request's sink through the hub's SseBroadcaster: a REST broadcast reaches it. */
    @Test
    void aSinkRegisteredThroughTheBroadcasterReceivesABroadcastPublishedByRest() {
        try (SseClient client = SseClient.connected(SINK.node(1).resolve("/sse/connect/" + Unique.name("broadcast-sink")))) {
            String data = Unique.name("to every sink");
            String body = Json.createObjectBuilder().add("data", data).add("event", "note").build().toString();
            assertThat(postJson(SINK.node(1).resolve("/sse/broadcast"), body).statusCode()).isEqualTo(202);
            assertThat(client.awaitEvent("note").data()).isEqualTo(data);
        }
    }

    private static List<String> asRead(List<String> payloads) {
        return payloads.stream().map(p -> p.replace("\r\n", "\n").replace('\r', '\n')).toList();
    }

    /** Publishes every payload to a user whose EventSource is open in the browser; returns what it read. */
    @SuppressWarnings("unchecked")
    private static List<String> throughEventSource(URI node, String user) {
        JavascriptExecutor page = (JavascriptExecutor) browser;
        // Any page of the node gives the EventSource its origin; this one runs no script of its own.
        browser.get(node + "/demo.css");
        page.executeScript("window.received = []; window.live = false;"
                + "const stream = new EventSource('/sse/connect/' + arguments[0]);"
                + "stream.addEventListener('connected', () => window.live = true);"
                + "stream.addEventListener('awkward', e => window.received.push(e.data));", user);
        await().atMost(20, TimeUnit.SECONDS).until(() -> Boolean.TRUE.equals(page.executeScript("return window.live;")));
        for (String payload : AWKWARD) {
            String body = Json.createObjectBuilder().add("data", payload).add("event", "awkward").build().toString();
            assertThat(postJson(URI.create(node + "/sse/send/" + user), body).statusCode()).isEqualTo(202);
        }
        await().atMost(20, TimeUnit.SECONDS).until(() ->
                ((Number) page.executeScript("return window.received.length;")).intValue() >= AWKWARD.size());
        return (List<String>) page.executeScript("return window.received;");
    }
}
