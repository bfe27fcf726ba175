package io.massivesse.it;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;

import jakarta.json.JsonObject;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static io.massivesse.it.Http.get;
import static io.massivesse.it.Http.json;
import static io.massivesse.it.Http.postJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A client that closes its connection (FIN, as a closed tab does; over TLS, close_notify then FIN) or resets it
 * (RST) is gone from the node at once, at the default heartbeat of 30 s: not counted active, out of the topic
 * index, offline in presence, its socket released. Before the node watched for closes it stayed until the next
 * heartbeat write, up to 45 s. A client that vanishes (no FIN, no reset: its packets are held on loopback) is
 * gone within the heartbeat, also with an event to it in flight, where the kernel alone would retry ~15 minutes.
 */
@ResourceLock(SharedClusters.ONE_NODE)
@Order(15)
class ClientCloseIT {

    /** The default heartbeat: what the close must not wait for. */
    private static final int HEARTBEAT_SECONDS = SharedClusters.ONE_NODE_HEARTBEAT_SECONDS;
    /** Far below the heartbeat, far above the milliseconds a close takes: room for a loaded machine. */
    private static final Duration GONE_WITHIN = Duration.ofSeconds(5);
    private static LocalCluster cluster;

    @BeforeAll
    static void start() {
        cluster = SharedClusters.oneNode();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"fin", "rst", "tls-fin"})
    void aClientThatClosesItsConnectionIsForgottenAtOnce(String how) throws Exception {
        String user = Unique.name("closer-" + how);
        String topic = Unique.name("closing") + "/42";
        Metrics before = metrics();
        long filesWith;
        try (Socket socket = subscribe(user, topic, how.startsWith("tls"))) {
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                assertThat(online(user)).isTrue();
                assertThat(subscribers(topic)).isEqualTo(1);
            });
            assertThat(metrics().delta(before, "sse_connections_active")).isEqualTo(1);
            filesWith = openFiles();
            if (how.equals("rst")) {
                socket.setSoLinger(true, 0);
            }
        }
        await().atMost(GONE_WITHIN).untilAsserted(() -> {
            Metrics after = metrics();
            assertThat(after.delta(before, "sse_connections_active")).isZero();
            assertThat(after.delta(before, "sse_topics_active")).isZero();
            assertThat(after.delta(before, "sse_connections_closed_total", "reason=\"client_gone\"")).isEqualTo(1);
            assertThat(online(user)).isFalse();
            assertThat(subscribers(topic)).isZero();
        });
        // The socket's descriptor goes with it (counted while the test's own connections to the node were open too).
        await().atMost(GONE_WITHIN).untilAsserted(() -> assertThat(openFiles()).isLessThan(filesWith));
    }

    @Test
    void aClientThatVanishesWithEventsInFlightIsGivenUpWithinTheHeartbeat() throws Exception {
        Assumptions.assumeTrue(LoopbackHold.available(), "holding packets on loopback needs root and tc (iproute2)");
        String user = Unique.name("vanisher");
        Metrics before = metrics();
        try (Socket socket = subscribe(user, Unique.name("vanishing") + "/1", false)) {
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(online(user)).isTrue());
            long vanished = System.nanoTime();
            long givenUp = -1;
            try (LoopbackHold hold = LoopbackHold.toPort(socket.getLocalPort())) {
                // An event a second keeps data unacknowledged (the hold lets its first packet by), so keepalive
                // never runs: only the node's look at the kernel's state ends the stream before ~15 minutes.
                while (givenUp < 0 && System.nanoTime() - vanished < Duration.ofSeconds(HEARTBEAT_SECONDS).toNanos()) {
                    assertThat(postJson(cluster.node(1).resolve("/sse/send/" + user), "{\"data\":\"are you there\"}")
                            .statusCode()).isEqualTo(202);
                    if (!online(user)) {
                        givenUp = System.nanoTime() - vanished;
                    }
                    Thread.sleep(1000);
                }
            }
            assertThat(givenUp).as("given up within the heartbeat").isPositive();
            assertThat(Duration.ofNanos(givenUp)).as("not before half the heartbeat had passed unanswered")
                    .isGreaterThan(Duration.ofSeconds(HEARTBEAT_SECONDS / 2));
            Metrics after = metrics();
            assertThat(after.delta(before, "sse_connections_active")).isZero();
            assertThat(after.delta(before, "sse_connections_closed_total", "reason=\"client_gone\"")).isEqualTo(1);
        }
    }

    /**
     * A raw HTTP/1.1 subscriber (over TLS to the HTTPS port when asked: its close sends close_notify before the
     * FIN), read until its connected frame: the test decides how its socket ends.
     */
    private static Socket subscribe(String user, String topic, boolean tls) throws Exception {
        URI node = cluster.node(1);
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress(node.getHost(), tls ? cluster.httpsPort(1) : node.getPort()), 5000);
        if (tls) {
            socket = DevelopmentTls.context().getSocketFactory().createSocket(socket, node.getHost(), cluster.httpsPort(1), true);
        }
        socket.setSoTimeout(10_000);
        socket.getOutputStream().write(("GET /sse/connect/" + user + "?topic=" + topic + " HTTP/1.1\r\nHost: localhost\r\n"
                + "Accept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        InputStream in = socket.getInputStream();
        StringBuilder seen = new StringBuilder();
        byte[] buffer = new byte[1024];
        while (seen.indexOf("event: connected") < 0) {
            int read = in.read(buffer);
            assertThat(read).as("the stream ended before its connected frame: %s", seen).isPositive();
            seen.append(new String(buffer, 0, read, StandardCharsets.UTF_8));
        }
        return socket;
    }

    private static boolean online(String user) {
        return json(get(cluster.node(1).resolve("/sse/presence/" + user))).getBoolean("online");
    }

    private static int subscribers(String topic) {
        JsonObject answer = json(get(cluster.node(1).resolve("/sse/presence?topic=" + topic)));
        return answer.getInt("subscribers");
    }

    private static Metrics metrics() {
        return Metrics.read(cluster.management(1).resolve("/metrics?scope=application"));
    }

    private static long openFiles() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("/proc/" + cluster.pid(1) + "/fd"))) {
            return files.count();
        }
    }
}
