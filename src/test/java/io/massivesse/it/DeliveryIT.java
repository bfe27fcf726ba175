package io.massivesse.it;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static io.massivesse.it.Http.json;
import static io.massivesse.it.Http.postJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The delivery engine against a real server: clients that stop reading do not hold up the
 * others, and a client that reconnects with Last-Event-ID misses nothing and gets nothing twice.
 * The node runs with SSE_SLOW_CONSUMER_SECONDS=5 and SSE_BUFFER_SIZE=300 (LocalCluster): a stalled
 * client's kernel buffers absorb ~700 of these 4 KB events, so with the default 1,000 its queue
 * might never fill within 2,000 events. The bytes themselves are read off the socket where the node writes
 * frames past Liberty: a well-formed body, chunked or not, whatever the socket took at a time.
 */
@ResourceLock(SharedClusters.TWO_NODES)
@Order(1)
class DeliveryIT {

    private static LocalCluster cluster;

    @BeforeAll
    static void start() {
        cluster = SharedClusters.twoNodes();
    }

    private URI uri(String path) {
        return URI.create(cluster.node(1) + path);
    }

    private String publish(String userId, String data) {
        var response = postJson(uri(userId == null ? "/sse/broadcast" : "/sse/send/" + userId),
                "{\"data\":\"" + data + "\"}");
        assertThat(response.statusCode()).isEqualTo(202);
        return json(response).getString("id");
    }

    @Test
    void stalledClientsAreEvictedWhileEveryReadingClientGetsEveryEventInOrder() throws Exception {
        int readers = 200;
        int stalled = 20;
        int events = 2_000;
        String payload = "x".repeat(4_000);
        List<SseClient> healthy = new ArrayList<>();
        List<Socket> stuck = new ArrayList<>();
        try {
            for (int i = 0; i < stalled; i++) {
                stuck.add(StalledClient.open(cluster.node(1), Unique.name("stalled-" + i)));
            }
            for (int i = 0; i < readers; i++) {
                SseClient client = SseClient.connect(uri("/sse/connect/" + Unique.name("reader-" + i)));
                healthy.add(client);
            }
            healthy.forEach(c -> c.awaitEvent("connected"));
            System.out.printf("%d readers and %d stalled clients connected%n", readers, stalled);
            long start = System.nanoTime();
            for (int i = 0; i < events; i++) {
                publish(null, i + ":" + payload);
            }
            System.out.printf("published %d events in %.1f s%n", events, (System.nanoTime() - start) / 1e9);
            await().atMost(180, TimeUnit.SECONDS).pollInterval(1, TimeUnit.SECONDS)
                    .until(() -> healthy.stream().allMatch(c -> c.eventCount() >= events + 1));
            System.out.printf("all readers had every event after %.1f s%n", (System.nanoTime() - start) / 1e9);
            await().atMost(180, TimeUnit.SECONDS).pollInterval(1, TimeUnit.SECONDS)
                    .until(() -> healthy.stream().allMatch(c -> c.eventCount() >= events + 1));
            for (SseClient client : healthy) {
                List<SseClient.Event> received = client.events();
                assertThat(received).hasSize(events + 1);
                for (int i = 0; i < events; i++) {
                    assertThat(received.get(i + 1).data()).startsWith(i + ":");
                }
                assertThat(client.ended()).isFalse();
            }
            // The stalled clients were closed by the server: reading them now ends in end-of-stream,
            // after far fewer than all events.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            for (Socket socket : stuck) {
                long bytes = drain(socket, deadline);
                assertThat(bytes).isLessThan((long) events * payload.length());
            }
            System.out.printf("stalled clients closed after %.1f s%n", (System.nanoTime() - start) / 1e9);
        } finally {
            healthy.forEach(SseClient::close);
            for (Socket socket : stuck) {
                socket.close();
            }
        }
    }

    /** Reads to end-of-stream, which must come before the deadline. */
    private static long drain(Socket socket, long deadline) throws IOException {
        socket.setSoTimeout(1_000);
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[64 * 1024];
        long total = 0;
        while (System.nanoTime() < deadline) {
            try {
                int read = in.read(buffer);
                if (read < 0) {
                    return total;
                }
                total += read;
            } catch (java.net.SocketTimeoutException idle) {
                // keep waiting for the server to close it, until the deadline
            }
        }
        throw new AssertionError("the server did not close a stalled client's connection");
    }

    /**
     * The node writes a frame to a plain HTTP/1.x socket itself when nothing waits, and leaves the rest of one the
     * socket did not take to the writer thread: these 5 MB to a client that reads nothing for the first 2 s can
     * fill its kernel buffers (~2.8 MB), so frames go whole, in part and queued, and Liberty still writes the first frame
     * and the end of the body. Every byte is checked: chunk sizes and line ends, the frames in order, then the end.
     */
    @ParameterizedTest
    @ValueSource(strings = {"HTTP/1.1", "HTTP/1.0"})
    void aClientThatPausesGetsAWellFormedBodyWithEveryEventInOrderAndItsEnd(String protocol) throws Exception {
        String user = Unique.name("pauser");
        int events = 100;
        String payload = "p".repeat(50_000);
        URI node = cluster.node(1);
        try (Socket socket = new Socket()) {
            socket.setReceiveBufferSize(4096);
            socket.connect(new InetSocketAddress(node.getHost(), node.getPort()), 5000);
            socket.setSoTimeout(20_000);
            socket.getOutputStream().write(("GET /sse/connect/" + user + " " + protocol + "\r\nHost: localhost\r\n"
                    + "Accept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            RawBody body = new RawBody(new BufferedInputStream(socket.getInputStream()));
            assertThat(body.chunked).isEqualTo(protocol.equals("HTTP/1.1"));
            assertThat(body.nextFrame()).contains("event: connected");

            // Published from another thread while this one does not read for 2 s, well inside the slow-consumer
            // limit of 5 s (LocalCluster): a pause as long as the whole publishing, on a busy machine, could pass it.
            CompletableFuture<Void> published = CompletableFuture.runAsync(() -> {
                for (int i = 0; i < events; i++) {
                    publish(user, i + ":" + payload);
                }
            });
            Thread.sleep(2_000);
            // A burst of one event each, with a ping or two on the way: nothing lost, nothing out of order, no
            // byte of one frame inside another.
            for (int i = 0; i < events; i++) {
                String frame = body.nextEvent();
                assertThat(frame).as("event %d", i).startsWith("id: ").contains("\ndata: " + i + ":" + payload + "\n")
                        .endsWith("\n");
            }

            published.get(60, TimeUnit.SECONDS);
            try (SseClient newer = SseClient.connected(uri("/sse/connect/" + user))) {
                assertThat(body.nextEvent()).contains("event: replaced");
                body.assertEnds();
            }
        }
    }

    /** An SSE response read byte by byte off the socket, as strictly as HTTP/1.1 allows. */
    private static final class RawBody {

        private final InputStream in;
        final boolean chunked;
        /** Bytes left in the current chunk. */
        private int chunkLeft;
        private boolean lastChunkRead;
        private final ByteArrayOutputStream frame = new ByteArrayOutputStream();

        RawBody(InputStream in) throws IOException {
            this.in = in;
            String status = line();
            assertThat(status).endsWith(" 200 OK");
            Map<String, String> headers = new HashMap<>();
            for (String header = line(); !header.isEmpty(); header = line()) {
                int colon = header.indexOf(':');
                headers.put(header.substring(0, colon).trim().toLowerCase(Locale.ROOT), header.substring(colon + 1).trim());
            }
            assertThat(headers).containsEntry("content-type", "text/event-stream").doesNotContainKey("content-length");
            chunked = "chunked".equals(headers.get("transfer-encoding"));
        }

        /** The next frame that is not a heartbeat. */
        String nextEvent() throws IOException {
            String next = nextFrame();
            while (next.equals(": ping\n\n")) {
                next = nextFrame();
            }
            return next;
        }

        /** The next frame, up to and with its blank line. */
        String nextFrame() throws IOException {
            frame.reset();
            int previous = -1;
            while (true) {
                int b = bodyByte();
                assertThat(b).as("the body ended inside a frame").isNotNegative();
                frame.write(b);
                if (b == '\n' && previous == '\n') {
                    return frame.toString(StandardCharsets.UTF_8);
                }
                previous = b;
            }
        }

        /** The body ends here: nothing after the last frame but the last chunk, then the connection's end. */
        void assertEnds() throws IOException {
            assertThat(bodyByte()).isEqualTo(-1);
            assertThat(lastChunkRead).isEqualTo(chunked);
            assertThat(in.read()).isEqualTo(-1);
        }

        private int bodyByte() throws IOException {
            if (!chunked) {
                return in.read();
            }
            if (lastChunkRead) {
                return -1;
            }
            if (chunkLeft == 0) {
                String size = line();
                assertThat(size).as("chunk size").matches("[0-9a-fA-F]+");
                chunkLeft = Integer.parseInt(size, 16);
                if (chunkLeft == 0) {
                    assertThat(line()).as("no trailers after the last chunk").isEmpty();
                    lastChunkRead = true;
                    return -1;
                }
            }
            int b = in.read();
            assertThat(b).as("the connection ended inside a chunk").isNotNegative();
            if (--chunkLeft == 0) {
                assertThat(line()).as("a chunk's data ends with CRLF").isEmpty();
            }
            return b;
        }

        /** One line ended by CRLF (a lone LF fails), without it. */
        private String line() throws IOException {
            StringBuilder line = new StringBuilder();
            while (true) {
                int b = in.read();
                assertThat(b).as("the connection ended inside a line").isNotNegative();
                if (b == '\r') {
                    assertThat(in.read()).as("CR followed by LF").isEqualTo('\n');
                    return line.toString();
                }
                assertThat(b).as("a bare LF in " + line).isNotEqualTo('\n');
                line.append((char) b);
            }
        }
    }

    @Test
    void reconnectWithLastEventIdGetsEveryMissedEventOnceThenLiveOnes() {
        String user = Unique.name("resumer");
        List<String> before = new ArrayList<>();
        String lastSeen;
        try (SseClient first = SseClient.connect(uri("/sse/connect/" + user))) {
            first.awaitEvent("connected");
            for (int i = 0; i < 5; i++) {
                before.add(publish(null, "before-" + i));
            }
            first.awaitEvents(6);
            lastSeen = first.events().get(5).id();
            assertThat(lastSeen).isEqualTo(before.get(4));
        }
        List<String> missed = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            missed.add(publish(i % 2 == 0 ? null : user, "missed-" + i));
            publish(Unique.name("someone-else"), "not for resumer " + i);
        }
        try (SseClient again = SseClient.connect(uri("/sse/connect/" + user), Map.of("Last-Event-ID", lastSeen))) {
            again.awaitEvents(6);
            String live = publish(null, "live");
            List<SseClient.Event> received = again.awaitEvents(7);
            assertThat(received.get(0).event()).isEqualTo("connected");
            assertThat(received.subList(1, 7)).extracting(SseClient.Event::id)
                    .containsExactly(missed.get(0), missed.get(1), missed.get(2), missed.get(3), missed.get(4), live);
            assertThat(received.subList(1, 6)).extracting(SseClient.Event::data)
                    .containsExactly("missed-0", "missed-1", "missed-2", "missed-3", "missed-4");
        }
        // The query form does the same for a client's first connect.
        try (SseClient query = SseClient.connect(uri("/sse/connect/" + user + "?lastEventId=" + missed.get(3)))) {
            assertThat(query.awaitEvents(3).subList(1, 3)).extracting(SseClient.Event::data)
                    .containsExactly("missed-4", "live");
        }
    }

    @Test
    void idOutsideTheWindowGetsReset() {
        String user = Unique.name("late");
        try (SseClient client = SseClient.connect(uri("/sse/connect/" + user), Map.of("Last-Event-ID", "0000000000001-0000-ancient"))) {
            SseClient.Event reset = client.awaitEvent("reset");
            assertThat(reset.data()).contains("0000000000001-0000-ancient");
            String id = publish(user, "fresh start");
            assertThat(client.awaitEvents(3).get(2).id()).isEqualTo(id);
        }
    }
}
