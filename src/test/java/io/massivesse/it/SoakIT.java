package io.massivesse.it;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.stream.IntStream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;

import static io.massivesse.it.Http.get;
import static io.massivesse.it.Http.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

/**
 * The churn gate: one node holds more steady streams than the hub's parallel fan-out threshold (2,048 users) while
 * churners connect and leave every way a client ends a stream: closing it (FIN), resetting it (RST) and no longer
 * reading (then closing on unread data), with broadcasts and topic events flowing. The node must answer
 * {@code /health/live} UP throughout, every steady stream must get every broadcast answered 202, and afterwards the
 * node must hold only the steady streams: connections, topic index, presence and open files as before the churn.
 * It guards against a close on a pool thread of the parallel fan-out waiting for the dispatch lock that fan-out
 * holds: under this load the node stopped delivering within seconds.
 */
@ResourceLock(SharedClusters.ONE_NODE)
@Order(16)
class SoakIT {

    private static final int STEADY = 3000;
    /** Every other steady stream listens to one of these. */
    private static final int STEADY_TOPICS = 8;
    /** Topics only churners listen to: the topic index must let go of them. */
    private static final int CHURN_TOPICS = 8;
    private static final int CHURNERS = 48;
    /** Users of each churner's own, so that no churner replaces another's stream. */
    private static final int USERS_PER_CHURNER = 8;
    /** Long enough for the code before issue 42 to freeze (it did within 0.6–7 s), short enough for the suite. */
    private static final Duration CHURN = Duration.ofSeconds(30);
    /** A healthy node on a loaded machine makes ~1,900 (48 churners, 30 s). */
    private static final int MIN_CYCLES = 600;
    /** A node that leaves a publish or a health check unanswered this long is failing. */
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(REQUEST_TIMEOUT).build();

    private enum Way { FIN, RST, STALL }

    private final String prefix = Unique.name("soak");
    private final long startNanos = System.nanoTime();
    private volatile double churnStartSeconds = Double.NaN;
    /** Sequence numbers of the broadcasts answered 202. */
    private final BitSet accepted = new BitSet();
    private final AtomicInteger broadcasts = new AtomicInteger();
    private final AtomicInteger topicEvents = new AtomicInteger();
    private final AtomicInteger topicEventsRefused = new AtomicInteger();
    private final Map<Way, AtomicLong> cycles = new EnumMap<>(Map.of(Way.FIN, new AtomicLong(), Way.RST, new AtomicLong(),
            Way.STALL, new AtomicLong()));
    private final AtomicLong failedCycles = new AtomicLong();
    private final AtomicInteger livenessSamples = new AtomicInteger();
    /** Every liveness sample that was not 200 (or not answered in time), with its time and answer. */
    private final List<String> notUp = new CopyOnWriteArrayList<>();

    /** One node of its own for the test's time (shared with ClientCloseIT, one class at a time). */
    private static LocalCluster cluster;

    @BeforeAll
    static void start() {
        cluster = SharedClusters.oneNode();
    }

    @Test
    void aNodeUnderChurnStaysLiveDeliversEveryBroadcastAndKeepsOnlyItsSteadyStreams() throws Exception {
        ExecutorService churners = Executors.newFixedThreadPool(CHURNERS, SoakIT::daemon);
        ScheduledExecutorService ticks = Executors.newScheduledThreadPool(3, SoakIT::daemon);
        try (SteadyStreams steady = new SteadyStreams()) {
            for (int i = 0; i < STEADY; i++) {
                steady.connect(prefix + "-steady-" + i, i % 2 == 0 ? "soak-it/t" + (i / 2 % STEADY_TOPICS) : null);
                if (i % 200 == 199) {
                    Thread.sleep(100);
                }
            }
            await("every steady stream connected").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500))
                    .untilAsserted(() -> assertThat(steady.connected()).as("connected, %d ended", steady.ended()).isEqualTo(STEADY));
            ticks.scheduleWithFixedDelay(this::sampleLiveness, 0, 1, TimeUnit.SECONDS);
            // The first publish of each kind opens what the node then keeps (pooled broker connections): before the baseline.
            publish("/sse/broadcast", "warm-up", "x");
            publish("/sse/topics/soak-it/t0", "warm-up", "x");
            Thread.sleep(1000);
            long filesBefore = openFiles();

            churnStartSeconds = secondsIn();
            long churnEnd = System.nanoTime() + CHURN.toNanos();
            for (int c = 0; c < CHURNERS; c++) {
                int churner = c;
                churners.execute(() -> churn(churner, churnEnd));
            }
            var broadcasting = ticks.scheduleWithFixedDelay(this::broadcast, 0, 250, TimeUnit.MILLISECONDS);
            var publishing = ticks.scheduleWithFixedDelay(() -> {
                int topic = ThreadLocalRandom.current().nextInt(STEADY_TOPICS);
                if (publish("/sse/topics/soak-it/t" + topic, "soak-topic", "t" + topicEvents.incrementAndGet()) != 202) {
                    topicEventsRefused.incrementAndGet();
                }
            }, 0, 200, TimeUnit.MILLISECONDS);
            Thread.sleep(CHURN.toMillis());
            broadcasting.cancel(false);
            publishing.cancel(false);
            churners.shutdown();
            // A churner stuck on a node that no longer answers gives up on its own read timeout.
            churners.awaitTermination(30, TimeUnit.SECONDS);
            broadcast();

            assertThat(notUp.size()).as("liveness samples not UP during the churn; %s", summary(steady)).isZero();
            assertThat(cycles.values().stream().mapToLong(AtomicLong::get).sum()).as("connection cycles; %s", summary(steady))
                    .isGreaterThan(MIN_CYCLES);
            await("every broadcast answered 202 at every steady stream").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                        assertThat(steady.missing(accepted())).as("broadcasts missing; %s", summary(steady)).isZero();
                        assertThat(steady.ended()).as("steady streams ended; %s", summary(steady)).isZero();
                    });
            long margin = Math.max(30, filesBefore / 100);
            await("the node holds only the steady streams").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                        Metrics metrics = Metrics.read(cluster.management(1).resolve("/metrics?scope=application"));
                        assertThat(metrics.value("sse_connections_active")).as("active connections").isEqualTo(STEADY);
                        assertThat(metrics.value("sse_topics_active")).as("active topics").isEqualTo(STEADY_TOPICS);
                        assertThat(metrics.value("sse_presence_users")).as("users presence keeps").isEqualTo(STEADY);
                        assertThat(IntStream.range(0, CHURNERS).mapToObj(c -> churnUser(c, c % USERS_PER_CHURNER))
                                .filter(SoakIT::online).toList()).as("churn users online").isEmpty();
                        assertThat(openFiles()).as("open files of the node, %d before the churn", filesBefore)
                                .isCloseTo(filesBefore, within(margin));
                    });
            ticks.shutdownNow();
            assertThat(notUp.size()).as("liveness samples not UP after the churn; %s", summary(steady)).isZero();
            System.out.println("SoakIT: " + summary(steady) + "; open files " + openFiles() + ", " + filesBefore + " before");
        } finally {
            churners.shutdownNow();
            ticks.shutdownNow();
        }
        // The next class on this node counts from a node that holds nothing of this one.
        await("the steady streams gone").atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                Metrics.read(cluster.management(1).resolve("/metrics?scope=application")).value("sse_connections_active"))
                .isZero());
    }

    /** One churner: connects as one of its users and leaves in a way picked at random, until the churn ends. */
    private void churn(int churner, long endNanos) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        URI node = cluster.node(1);
        byte[] buffer = new byte[4096];
        while (System.nanoTime() < endNanos) {
            Way way = Way.values()[random.nextInt(Way.values().length)];
            String topic = switch (random.nextInt(3)) {
                case 0 -> "soak-it/t" + random.nextInt(STEADY_TOPICS);
                case 1 -> "soak-it/c" + random.nextInt(CHURN_TOPICS);
                default -> null;
            };
            try (Socket socket = new Socket()) {
                if (way == Way.STALL) {
                    socket.setReceiveBufferSize(4096);
                }
                socket.connect(new InetSocketAddress(node.getHost(), node.getPort()), 5000);
                socket.setSoTimeout(10_000);
                socket.getOutputStream().write(request(churnUser(churner, random.nextInt(USERS_PER_CHURNER)), topic));
                InputStream in = socket.getInputStream();
                StringBuilder seen = new StringBuilder();
                while (seen.indexOf("event: connected") < 0) {
                    int read = in.read(buffer);
                    if (read < 0) {
                        throw new IOException("ended before its connected frame: " + seen);
                    }
                    seen.append(new String(buffer, 0, read, StandardCharsets.UTF_8));
                }
                if (way == Way.STALL) {
                    // Events back up on the node meanwhile; the close then finds unread data and resets.
                    Thread.sleep(1000 + random.nextInt(2000));
                } else {
                    readALittle(socket, buffer, 1 + random.nextInt(300));
                    socket.setSoLinger(way == Way.RST, 0);
                }
                cycles.get(way).incrementAndGet();
            } catch (IOException e) {
                failedCycles.incrementAndGet();
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** One read, waiting at most the given time: what came in, or nothing. */
    private static void readALittle(Socket socket, byte[] buffer, int millis) throws IOException {
        socket.setSoTimeout(millis);
        try {
            socket.getInputStream().read(buffer);
        } catch (SocketTimeoutException e) {
            // Nothing came meanwhile.
        }
    }

    private String churnUser(int churner, int index) {
        return prefix + "-churn-" + (churner * USERS_PER_CHURNER + index);
    }

    private static byte[] request(String user, String topic) {
        return ("GET /sse/connect/" + user + (topic == null ? "" : "?topic=" + topic) + " HTTP/1.1\r\nHost: localhost\r\n"
                + "Accept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    private void broadcast() {
        int sequence = broadcasts.getAndIncrement();
        if (publish("/sse/broadcast", "soak", "b" + sequence) == 202) {
            synchronized (accepted) {
                accepted.set(sequence);
            }
        }
    }

    private BitSet accepted() {
        synchronized (accepted) {
            return (BitSet) accepted.clone();
        }
    }

    /** The status of a JSON publish, or -1 when the node did not answer in time. */
    private static int publish(String path, String event, String data) {
        HttpRequest request = HttpRequest.newBuilder(cluster.node(1).resolve(path)).timeout(REQUEST_TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"data\":\"" + data + "\",\"event\":\"" + event + "\"}")).build();
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private void sampleLiveness() {
        String at = String.format("at %.1f s: ", secondsIn());
        HttpRequest request = HttpRequest.newBuilder(cluster.management(1).resolve("/health/live")).timeout(REQUEST_TIMEOUT).build();
        try {
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                notUp.add(at + response.statusCode() + " " + response.body());
            }
            livenessSamples.incrementAndGet();
        } catch (IOException e) {
            notUp.add(at + e);
            livenessSamples.incrementAndGet();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private double secondsIn() {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    /** What the load did and what the steady streams got so far: the context of every failure. */
    private String summary(SteadyStreams steady) {
        BitSet want = accepted();
        List<String> down = List.copyOf(notUp);
        return String.format("churn from %.1f s for %d s: cycles %s, %d failed; broadcasts %d answered 202 of %d;"
                        + " topic events %d, %d not 202; steady streams: %d broadcasts missing at %d streams, %d ended;"
                        + " liveness: %d of %d samples not UP%s",
                churnStartSeconds, CHURN.toSeconds(), cycles, failedCycles.get(), want.cardinality(), broadcasts.get(),
                topicEvents.get(), topicEventsRefused.get(), steady.missing(want), steady.count(one -> one.missing(want) > 0), steady.ended(),
                down.size(), livenessSamples.get(),
                down.isEmpty() ? "" : ", the first " + down.get(0) + ", the last " + down.get(down.size() - 1));
    }

    private static boolean online(String user) {
        return json(get(cluster.node(1).resolve("/sse/presence/" + user))).getBoolean("online");
    }

    private static long openFiles() throws IOException {
        try (var files = Files.list(Path.of("/proc/" + cluster.pid(1) + "/fd"))) {
            return files.count();
        }
    }

    private static Thread daemon(Runnable task) {
        Thread thread = new Thread(task, "soak-load");
        thread.setDaemon(true);
        return thread;
    }

    /**
     * The steady streams, all read by one selector thread (the tests run on Java 17: no virtual threads). Chunk-size
     * lines of the HTTP/1.1 response never start a field, so a line-based parse of {@code event:} and {@code data:}
     * lines sees the frames.
     */
    private static final class SteadyStreams implements AutoCloseable {
        private final Selector selector = Selector.open();
        private final Queue<Steady> toRegister = new ConcurrentLinkedQueue<>();
        private final List<Steady> streams = new ArrayList<>();
        private final Thread reader = new Thread(this::read, "soak-steady");
        private volatile boolean open = true;

        SteadyStreams() throws IOException {
            reader.setDaemon(true);
            reader.start();
        }

        void connect(String user, String topic) throws IOException {
            URI node = cluster.node(1);
            SocketChannel channel = SocketChannel.open(new InetSocketAddress(node.getHost(), node.getPort()));
            channel.write(ByteBuffer.wrap(request(user, topic)));
            channel.configureBlocking(false);
            Steady steady = new Steady(channel);
            streams.add(steady);
            toRegister.add(steady);
            selector.wakeup();
        }

        private void read() {
            ByteBuffer buffer = ByteBuffer.allocateDirect(64 * 1024);
            try {
                while (open) {
                    selector.select(500);
                    for (Steady steady; (steady = toRegister.poll()) != null; ) {
                        steady.channel.register(selector, SelectionKey.OP_READ, steady);
                    }
                    for (SelectionKey key : selector.selectedKeys()) {
                        ((Steady) key.attachment()).read(buffer);
                    }
                    selector.selectedKeys().clear();
                }
            } catch (IOException | RuntimeException e) {
                // Nothing reads the streams from here on: they look stalled to the node, and the checks say so.
                e.printStackTrace();
            }
        }

        long connected() {
            return count(steady -> steady.connected);
        }

        long ended() {
            return count(steady -> steady.ended);
        }

        long count(Predicate<Steady> which) {
            return streams.stream().filter(which).count();
        }

        /** Broadcasts of {@code want} missing, summed over the streams. */
        long missing(BitSet want) {
            return streams.stream().mapToLong(steady -> steady.missing(want)).sum();
        }


        @Override
        public void close() throws Exception {
            open = false;
            selector.wakeup();
            reader.join(5000);
            for (Steady steady : streams) {
                steady.channel.close();
            }
            selector.close();
        }
    }

    /** One steady stream: its parse state (the selector thread's) and the broadcasts it got, by sequence number. */
    private static final class Steady {
        private final SocketChannel channel;
        private final StringBuilder line = new StringBuilder();
        private final BitSet seen = new BitSet();
        private String event;
        private String data = "";
        private volatile boolean connected;
        private volatile boolean ended;

        Steady(SocketChannel channel) {
            this.channel = channel;
        }

        void read(ByteBuffer buffer) {
            try {
                int read;
                while ((read = channel.read(buffer.clear())) > 0) {
                    buffer.flip();
                    while (buffer.hasRemaining()) {
                        take((char) buffer.get());
                    }
                }
                if (read >= 0) {
                    return;
                }
            } catch (IOException e) {
                // Ended as well.
            }
            ended = true;
            try {
                channel.close();
            } catch (IOException e) {
                // Closed either way.
            }
        }

        private void take(char c) {
            if (c == '\r') {
                return;
            }
            if (c != '\n') {
                line.append(c);
                return;
            }
            if (line.isEmpty() && event != null) {
                if (event.equals("connected")) {
                    connected = true;
                } else if (event.equals("soak") && data.startsWith("b")) {
                    synchronized (seen) {
                        seen.set(Integer.parseInt(data.substring(1)));
                    }
                }
                event = null;
                data = "";
            } else if (line.indexOf("event: ") == 0) {
                event = line.substring(7);
            } else if (line.indexOf("data: ") == 0) {
                data = line.substring(6);
            }
            line.setLength(0);
        }

        long missing(BitSet want) {
            BitSet gap = (BitSet) want.clone();
            synchronized (seen) {
                gap.andNot(seen);
            }
            return gap.cardinality();
        }
    }
}
