package io.massivesse.it;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Broker failover on three nodes and an Artemis primary/backup pair (shared store) started by
 * scripts/cluster.sh with SSE_BROKER_HA=true, persistent events. A publisher at 50 events/s with
 * explicit ids retries every event on 503 or a timeout until it is accepted; the primary is killed
 * (kill -9) halfway; every client must have every accepted event exactly once, in order. Then the
 * primary comes back as the pair's backup (no failback), events still flow, and a second crash (of the
 * former backup, now live) hands the journal back to it: the pair fails over in both directions.
 */
@Order(3)
class FailoverIT {

    private static final LocalCluster CLUSTER = new LocalCluster(9030, 61756).with("SSE_BROKER_HA", "true");
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private static final int EVENTS = 600;
    private static final int RATE = 50;

    @BeforeAll
    static void start() {
        CLUSTER.start(3);
    }

    @AfterAll
    static void stop() {
        CLUSTER.stop();
    }

    /** What the publisher saw: the ids accepted in order, and when publishing was refused and back. */
    static final class Publisher {
        final List<String> accepted = new CopyOnWriteArrayList<>();
        final AtomicLong firstRefusalNanos = new AtomicLong();
        final AtomicLong backNanos = new AtomicLong();
        int refusals;

        /** Publishes one event, retrying with the same id until it is accepted; bounded to 60 s. */
        void publish(int node, String id, String data) throws InterruptedException {
            long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            int attempt = 0;
            while (System.nanoTime() < giveUp) {
                // Another node on each retry, as a load balancer would.
                URI target = URI.create(CLUSTER.node(1 + (node + attempt++) % 3) + "/sse/broadcast");
                int status;
                try {
                    status = HTTP.send(HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(5))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString("{\"data\":\"" + data + "\",\"id\":\"" + id + "\"}"))
                            .build(), HttpResponse.BodyHandlers.discarding()).statusCode();
                } catch (IOException e) {
                    status = -1;
                }
                if (status == 202) {
                    if (refusals > 0 && backNanos.get() == 0) {
                        backNanos.set(System.nanoTime());
                    }
                    accepted.add(id);
                    return;
                }
                refusals++;
                firstRefusalNanos.compareAndSet(0, System.nanoTime());
                Thread.sleep(100);
            }
            throw new AssertionError("event " + id + " was not accepted within 60 s");
        }
    }

    @Test
    void everyAcceptedEventReachesEveryClientOnceInOrderAcrossBrokerCrashesBothWays() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        List<SseClient> clients = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            clients.add(SseClient.connected(URI.create(CLUSTER.node(1 + i % 3) + "/sse/connect/fo-" + run + "-" + i)));
        }
        Publisher publisher = new Publisher();
        long killedAt = 0;
        long next = System.nanoTime();
        for (int seq = 0; seq < EVENTS; seq++) {
            if (seq == EVENTS / 2) {
                CLUSTER.killLiveBroker();
                killedAt = System.nanoTime();
            }
            publisher.publish(seq, run + "-" + seq, "e" + seq);
            next += 1_000_000_000L / RATE;
            long wait = next - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
        }
        List<String> expected = List.copyOf(publisher.accepted);
        assertThat(expected).hasSize(EVENTS);
        for (SseClient client : clients) {
            await().atMost(60, TimeUnit.SECONDS).until(() -> idsOf(client, run).size() >= EVENTS);
        }
        // A moment more: a late duplicate would show now.
        Thread.sleep(2_000);
        for (SseClient client : clients) {
            assertThat(idsOf(client, run)).as("events of a client").containsExactlyElementsOf(expected);
            assertThat(client.ended()).isFalse();
        }
        System.out.printf("failover: primary killed; first refusal %d ms later, publishing back %d ms after that; %d refused attempts%n",
                TimeUnit.NANOSECONDS.toMillis(publisher.firstRefusalNanos.get() - killedAt),
                TimeUnit.NANOSECONDS.toMillis(publisher.backNanos.get() - publisher.firstRefusalNanos.get()),
                publisher.refusals);

        // With the backup live, every node is ready again: readiness is DOWN only while no broker answers.
        for (int node = 1; node <= 3; node++) {
            URI ready = URI.create(CLUSTER.management(node) + "/health/ready");
            await().atMost(30, TimeUnit.SECONDS).until(() -> HTTP.send(HttpRequest.newBuilder(ready).GET().build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
        }

        // The primary returns as the backup; events flow on, and when the live broker (the former backup)
        // dies in turn, the returned primary takes over: the nodes follow both ways without a restart.
        CLUSTER.startStoppedBroker();
        publishAndCheck(run + "-back", clients);
        CLUSTER.killLiveBroker();
        publishAndCheck(run + "-again", clients);
        clients.forEach(SseClient::close);
    }

    private static void publishAndCheck(String prefix, List<SseClient> clients) throws InterruptedException {
        Publisher publisher = new Publisher();
        for (int seq = 0; seq < 20; seq++) {
            publisher.publish(seq, prefix + "-" + seq, "x" + seq);
            Thread.sleep(50);
        }
        for (SseClient client : clients) {
            await().atMost(60, TimeUnit.SECONDS).until(() -> idsOf(client, prefix).size() >= 20);
            assertThat(idsOf(client, prefix)).containsExactlyElementsOf(publisher.accepted);
        }
    }

    private static List<String> idsOf(SseClient client, String prefix) {
        return client.events().stream().map(SseClient.Event::id).filter(id -> id != null && id.startsWith(prefix + "-")).toList();
    }
}
