import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.TextMessage;

import org.HdrHistogram.Histogram;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

/**
 * The presence benchmark client (docs/BENCHMARKS.md "Presence"). One NIO selector thread holds the
 * connections, and reconnects a connection the server ended to the next of --reconnect-to after the
 * stream's retry hint, as an EventSource would; a JMS consumer counts what the broker carries each
 * second on the events topic (events and node-to-node control) and on the presence topic (and the
 * changes in it, by type). Two things to measure:
 *
 *   --queries Q    after the ramp, Q presence queries one after another (user queries for random connected
 *                  users, every tenth a topic query), latency p50/p99 and answers checked
 *   --hold S       hold S seconds (the script stops a node meanwhile), then report reconnects and counts
 *
 *   java -cp <HdrHistogram, Artemis client, JMS API> bench/PresenceBench.java --nodes http://127.0.0.1:9380,...
 *        --connections 15000 --rate 1500 --broker tcp://127.0.0.1:61636 [--queries 2000] [--hold 60]
 *        [--reconnect-to http://127.0.0.1:9381,http://127.0.0.1:9382]
 *
 * Every loop is bounded: connecting stops after --connections, the run after the ramp, the queries and --hold.
 */
public final class PresenceBench {

    static final class Connection {
        final String userId;
        ByteBuffer request;
        final StringBuilder line = new StringBuilder();
        boolean headersDone;
        boolean connected;
        boolean toldToLeave;
        long retryMillis = 3000;
        /** When the server ended the stream, for the time until it is connected again; 0 on a first connect. */
        long endedAtNanos;

        Connection(String userId) {
            this.userId = userId;
        }

        void target(URI node) {
            request = ByteBuffer.wrap(("GET /sse/connect/" + userId + "?topic=t/" + (userId.hashCode() & 0x3ff) % 1000
                    + " HTTP/1.1\r\nHost: " + node.getHost() + ":" + node.getPort()
                    + "\r\nAccept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            headersDone = false;
            connected = false;
            toldToLeave = false;
        }
    }

    private record Reconnect(long atNanos, Connection connection) {
    }

    private final Selector selector;
    private String prefix;
    /** A shell command run once the ramp has settled (the script's node stop); counts are reported from then on. */
    private String afterRamp;
    private final List<URI> reconnectTo = new ArrayList<>();
    private final PriorityQueue<Reconnect> reconnects = new PriorityQueue<>((a, b) -> Long.compare(a.atNanos(), b.atNanos()));
    private final List<Connection> all = new ArrayList<>();
    private int open;
    private int connected;
    private int failed;
    private int closedByServer;
    private int reconnected;
    private int reconnectsScheduled;
    private final Histogram backAfter = new Histogram(600_000_000L, 3);

    // Broker traffic per second, and the presence changes by type.
    private final Map<Long, AtomicLong> eventsTopicPerSecond = new ConcurrentHashMap<>();
    private final Map<Long, AtomicLong> presenceTopicPerSecond = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> changesByType = new ConcurrentHashMap<>();
    private final AtomicLong presenceMessages = new AtomicLong();
    /** Online changes after the mark, by the node that holds the user: who reported a move as new. */
    private final Map<String, AtomicLong> onlineByNode = new ConcurrentHashMap<>();
    private final List<String> onlineSamples = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile boolean marked;
    private final AtomicLong controlMessages = new AtomicLong();

    private PresenceBench() throws IOException {
        selector = Selector.open();
    }

    public static void main(String[] args) throws Exception {
        List<URI> nodes = new ArrayList<>();
        List<URI> reconnectTo = new ArrayList<>();
        int connections = 15_000;
        int rate = 1_500;
        int queries = 0;
        int hold = 0;
        String broker = "tcp://127.0.0.1:61616";
        String prefix = "p";
        String afterRamp = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--nodes" -> List.of(args[++i].split(",")).forEach(n -> nodes.add(URI.create(n)));
                case "--reconnect-to" -> List.of(args[++i].split(",")).forEach(n -> reconnectTo.add(URI.create(n)));
                case "--connections" -> connections = Integer.parseInt(args[++i]);
                case "--rate" -> rate = Integer.parseInt(args[++i]);
                case "--queries" -> queries = Integer.parseInt(args[++i]);
                case "--hold" -> hold = Integer.parseInt(args[++i]);
                case "--broker" -> broker = args[++i];
                case "--prefix" -> prefix = args[++i];
                case "--after-ramp" -> afterRamp = args[++i];
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        PresenceBench bench = new PresenceBench();
        bench.reconnectTo.addAll(reconnectTo.isEmpty() ? nodes : reconnectTo);
        try (ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory(broker, "sse", "sse");
             JMSContext context = factory.createContext()) {
            bench.count(context);
            bench.prefix = prefix;
            bench.afterRamp = afterRamp;
            bench.run(nodes, connections, rate, queries, hold);
        }
    }

    private void count(JMSContext context) {
        JMSConsumer events = context.createContext(JMSContext.AUTO_ACKNOWLEDGE).createConsumer(context.createTopic("sse.events"));
        events.setMessageListener(message -> {
            eventsTopicPerSecond.computeIfAbsent(System.currentTimeMillis() / 1000, s -> new AtomicLong()).incrementAndGet();
            try {
                if (message.getStringProperty("sseControl") != null) {
                    controlMessages.incrementAndGet();
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        JMSConsumer presence = context.createContext(JMSContext.AUTO_ACKNOWLEDGE).createConsumer(context.createTopic("sse.presence"));
        presence.setMessageListener(message -> {
            presenceTopicPerSecond.computeIfAbsent(System.currentTimeMillis() / 1000, s -> new AtomicLong()).incrementAndGet();
            presenceMessages.incrementAndGet();
            try {
                String body = ((TextMessage) message).getText();
                if (marked) {
                    java.util.regex.Matcher online = java.util.regex.Pattern
                            .compile("\\{\"type\":\"online\",\"userId\":\"([^\"]+)\",\"node\":\"([^\"]+)\"[^}]*\"at\":\"([^\"]+)\"")
                            .matcher(body);
                    while (online.find()) {
                        onlineByNode.computeIfAbsent(online.group(2), n -> new AtomicLong()).incrementAndGet();
                        if (onlineSamples.size() < 5) {
                            onlineSamples.add(online.group(1) + "@" + online.group(2) + " opened " + online.group(3)
                                    + " reported " + java.time.Instant.now());
                        }
                    }
                }
                for (String type : List.of("online", "offline", "node-up", "node-down")) {
                    String marker = "\"type\":\"" + type + "\"";
                    int count = 0;
                    for (int at = body.indexOf(marker); at >= 0; at = body.indexOf(marker, at + 1)) {
                        count++;
                    }
                    if (count > 0) {
                        changesByType.computeIfAbsent(type, t -> new AtomicLong()).addAndGet(count);
                    }
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private void run(List<URI> nodes, int total, int rate, int queries, int holdSeconds) throws Exception {
        ByteBuffer buffer = ByteBuffer.allocateDirect(64 * 1024);
        long start = System.nanoTime();
        long rampDeadline = start + (long) (total * 1e9 / rate) + 120_000_000_000L;
        int started = 0;
        while (System.nanoTime() < rampDeadline && (started < total || connected + failed + closedByServer < total)) {
            int due = (int) Math.min(total, (System.nanoTime() - start) * rate / 1_000_000_000L + 1);
            while (started < due) {
                Connection connection = new Connection(prefix + started);
                all.add(connection);
                open(connection, nodes.get(started % nodes.size()));
                started++;
            }
            poll(buffer);
        }
        System.out.printf("ramp done in %.1f s: connected=%d failed=%d%n", (System.nanoTime() - start) / 1e9, connected, failed);
        long settle = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < settle) {
            poll(buffer);
        }
        if (queries > 0) {
            Thread asking = new Thread(() -> ask(nodes, queries), "queries");
            asking.start();
            while (asking.isAlive()) {
                poll(buffer);
            }
        }
        Map<String, Long> changesBefore = new java.util.HashMap<>();
        changesByType.forEach((type, count) -> changesBefore.put(type, count.get()));
        long presenceBefore = presenceMessages.get();
        long controlBefore = controlMessages.get();
        long markSecond = System.currentTimeMillis() / 1000;
        marked = true;
        if (afterRamp != null) {
            String command = afterRamp;
            Thread stopper = new Thread(() -> {
                try {
                    System.out.println("running: " + command);
                    int exit = new ProcessBuilder("bash", "-c", command).inheritIO().start().waitFor();
                    System.out.println("done (exit " + exit + "): " + command);
                } catch (IOException | InterruptedException e) {
                    System.out.println("failed: " + command + ": " + e);
                }
            }, "after-ramp");
            stopper.setDaemon(true);
            stopper.start();
        }
        long holdUntil = System.nanoTime() + holdSeconds * 1_000_000_000L;
        long nextReport = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < holdUntil) {
            poll(buffer);
            if (System.nanoTime() >= nextReport) {
                nextReport += 5_000_000_000L;
                System.out.printf("open=%d connected=%d closed-by-server=%d reconnected=%d waiting=%d%n",
                        open, connected, closedByServer, reconnected, reconnects.size());
            }
        }
        // Peaks from the mark on: the ramp's own announcements are left out.
        long peakEvents = eventsTopicPerSecond.entrySet().stream().filter(e -> e.getKey() >= markSecond)
                .mapToLong(e -> e.getValue().get()).max().orElse(0);
        long peakPresence = presenceTopicPerSecond.entrySet().stream().filter(e -> e.getKey() >= markSecond)
                .mapToLong(e -> e.getValue().get()).max().orElse(0);
        long peakBoth = 0;
        for (Long second : eventsTopicPerSecond.keySet()) {
            if (second < markSecond) {
                continue;
            }
            long both = eventsTopicPerSecond.get(second).get()
                    + presenceTopicPerSecond.getOrDefault(second, new AtomicLong()).get();
            peakBoth = Math.max(peakBoth, both);
        }
        System.out.printf("RESULT connections=%d connected=%d failed=%d closed-by-server=%d reconnected=%d open-at-end=%d%n",
                total, connected, failed, closedByServer, reconnected, open);
        if (backAfter.getTotalCount() > 0) {
            System.out.printf("RECONNECTS %d connected again after their stream ended: p50=%.1f s p99=%.1f s max=%.1f s%n",
                    backAfter.getTotalCount(), backAfter.getValueAtPercentile(50) / 1e6,
                    backAfter.getValueAtPercentile(99) / 1e6, backAfter.getMaxValue() / 1e6);
        }
        Map<String, Long> changes = new java.util.TreeMap<>();
        changesByType.forEach((type, count) -> changes.put(type, count.get() - changesBefore.getOrDefault(type, 0L)));
        System.out.printf("BROKER after the ramp: control-messages=%d presence-messages=%d changes=%s"
                        + " peak msgs/s: events-topic=%d presence-topic=%d both=%d%n",
                controlMessages.get() - controlBefore, presenceMessages.get() - presenceBefore, changes,
                peakEvents, peakPresence, peakBoth);
        if (!onlineByNode.isEmpty()) {
            System.out.println("ONLINE after the ramp, by node: " + onlineByNode + "; e.g. " + onlineSamples);
        }
        for (SelectionKey key : selector.keys()) {
            key.channel().close();
        }
    }

    private void open(Connection connection, URI node) {
        connection.target(node);
        try {
            SocketChannel channel = SocketChannel.open();
            channel.configureBlocking(false);
            channel.connect(new InetSocketAddress(node.getHost(), node.getPort()));
            channel.register(selector, SelectionKey.OP_CONNECT, connection);
            open++;
        } catch (IOException e) {
            failed++;
        }
    }

    private void poll(ByteBuffer buffer) throws IOException {
        long now = System.nanoTime();
        while (!reconnects.isEmpty() && reconnects.peek().atNanos() <= now) {
            Connection connection = reconnects.poll().connection();
            open(connection, reconnectTo.get(reconnected++ % reconnectTo.size()));
        }
        selector.select(10);
        Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
        while (keys.hasNext()) {
            SelectionKey key = keys.next();
            keys.remove();
            handle(key, buffer);
        }
    }

    private void handle(SelectionKey key, ByteBuffer buffer) {
        Connection connection = (Connection) key.attachment();
        SocketChannel channel = (SocketChannel) key.channel();
        try {
            if (key.isConnectable()) {
                channel.finishConnect();
                key.interestOps(SelectionKey.OP_WRITE);
            }
            if (key.isValid() && key.isWritable()) {
                channel.write(connection.request);
                if (!connection.request.hasRemaining()) {
                    key.interestOps(SelectionKey.OP_READ);
                }
            }
            if (key.isValid() && key.isReadable()) {
                buffer.clear();
                if (channel.read(buffer) < 0) {
                    ended(key, connection);
                    return;
                }
                buffer.flip();
                parse(connection, buffer);
            }
        } catch (IOException e) {
            ended(key, connection);
        }
    }

    /** A stream the server ended comes back after its retry hint, as EventSource does; one that never opened counts as failed. */
    private void ended(SelectionKey key, Connection connection) {
        key.cancel();
        try {
            key.channel().close();
        } catch (IOException ignored) {
            // closing anyway
        }
        open--;
        if (connection.connected) {
            connected--;
            closedByServer++;
            reconnectsScheduled++;
            connection.endedAtNanos = System.nanoTime();
            reconnects.add(new Reconnect(connection.endedAtNanos + connection.retryMillis * 1_000_000L, connection));
        } else {
            failed++;
        }
    }

    private void parse(Connection connection, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            char c = (char) (buffer.get() & 0xff);
            if (c != '\n') {
                if (c != '\r' && connection.line.length() < 256) {
                    connection.line.append(c);
                }
                continue;
            }
            String line = connection.line.toString();
            connection.line.setLength(0);
            if (!connection.headersDone) {
                if (line.startsWith("HTTP/1.1 ") && !line.startsWith("HTTP/1.1 200")) {
                    throw new IOException("status " + line);
                }
                connection.headersDone = line.isEmpty();
            } else if (line.equals("event: connected")) {
                connection.connected = true;
                connected++;
                if (connection.endedAtNanos != 0) {
                    backAfter.recordValue(Math.min((System.nanoTime() - connection.endedAtNanos) / 1000, 600_000_000L));
                }
            } else if (line.startsWith("retry: ")) {
                connection.retryMillis = Long.parseLong(line.substring(7).trim());
            } else if (line.equals("event: server-shutdown")) {
                connection.toldToLeave = true;
            }
        }
    }

    /** Presence queries one after another on the nodes in turn: latency, and answers checked against what is connected. */
    private void ask(List<URI> nodes, int queries) {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        Histogram userLatency = new Histogram(60_000_000L, 3);
        Histogram topicLatency = new Histogram(60_000_000L, 3);
        Random random = new Random(42);
        int wrong = 0;
        int unreachable = 0;
        for (int q = 0; q < queries; q++) {
            URI node = nodes.get(q % nodes.size());
            boolean topic = q % 10 == 9;
            String path = topic ? "/sse/presence?topic=t/" + random.nextInt(1000)
                    : "/sse/presence/" + prefix + random.nextInt(all.size());
            long sent = System.nanoTime();
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(node + path))
                        .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
                long micros = (System.nanoTime() - sent) / 1000;
                (topic ? topicLatency : userLatency).recordValue(Math.min(micros, 60_000_000L));
                String body = response.body();
                if (response.statusCode() != 200 || (!topic && !body.contains("\"online\":true"))) {
                    wrong++;
                }
                if (!body.contains("\"unreachable\":[]")) {
                    unreachable++;
                }
            } catch (IOException | InterruptedException e) {
                wrong++;
            }
        }
        System.out.printf("QUERIES user=%d p50=%.1f ms p99=%.1f ms max=%.1f ms | topic=%d p50=%.1f ms p99=%.1f ms max=%.1f ms"
                        + " | wrong=%d with-unreachable=%d%n",
                userLatency.getTotalCount(), userLatency.getValueAtPercentile(50) / 1000.0,
                userLatency.getValueAtPercentile(99) / 1000.0, userLatency.getMaxValue() / 1000.0,
                topicLatency.getTotalCount(), topicLatency.getValueAtPercentile(50) / 1000.0,
                topicLatency.getValueAtPercentile(99) / 1000.0, topicLatency.getMaxValue() / 1000.0, wrong, unreachable);
    }
}
