package io.massivesse.it;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;

import static io.massivesse.it.Http.json;
import static io.massivesse.it.Http.postJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The delivery engine against a real server: clients that stop reading do not hold up the
 * others, and a client that reconnects with Last-Event-ID misses nothing and gets nothing twice.
 * The node runs with SSE_SLOW_CONSUMER_SECONDS=5 and SSE_BUFFER_SIZE=300 (LocalCluster): a stalled
 * client's kernel buffers absorb ~700 of these 4 KB events, so with the default 1,000 its queue
 * might never fill within 2,000 events.
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
