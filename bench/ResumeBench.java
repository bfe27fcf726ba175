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
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.jms.JMSContext;
import jakarta.jms.JMSProducer;
import jakarta.jms.TextMessage;
import jakarta.jms.Topic;

import org.HdrHistogram.Histogram;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

/**
 * The resume benchmark client (docs/BENCHMARKS.md "History by stream"): --connections streams on the first node,
 * a publisher that sends numbered broadcasts at --broadcast-rate to the node that stays and, at --noise-rate, events
 * for users who are not connected (the rest of a large user base, which fills a node's history) as a JMS
 * application would, to the broker's events topic. Then
 * --after-ramp runs (the script drains the first node); each stream the server ends comes back to --reconnect-to
 * after its retry hint with the Last-Event-ID of the last event it got, as EventSource does. Per stream: when it was
 * live again (it got an event published after it reconnected), resets, and its broadcasts checked for gaps and
 * duplicates across the reconnect; at the end every stream must hold every broadcast.
 *
 *   java -cp <HdrHistogram, Artemis client, JMS API> bench/ResumeBench.java --nodes http://127.0.0.1:9080 --reconnect-to http://127.0.0.1:9081
 *        --broker tcp://127.0.0.1:61616 --connections 15000 --rate 1500 --broadcast-rate 10 --noise-rate 1700 --hold 60
 *        --after-ramp "COMMAND" [--cpu-pid PID]
 *
 * Every loop is bounded: connecting stops after --connections, the run after the ramp, 5 s and --hold seconds.
 */
public final class ResumeBench {

    static final class Connection {
        final String userId;
        ByteBuffer request;
        final StringBuilder line = new StringBuilder();
        boolean headersDone;
        boolean connected;
        long retryMillis = 3000;
        String lastId;
        int lastSeq = -1;
        int gaps;
        int duplicates;
        boolean reset;
        /** Wall-clock ms of the reconnect, 0 before; the first event published after it makes the stream live again. */
        long reconnectedAtMillis;
        long liveAtMillis;

        Connection(String userId) {
            this.userId = userId;
        }

        void target(URI node) {
            request = ByteBuffer.wrap(("GET /sse/connect/" + userId + " HTTP/1.1\r\nHost: " + node.getHost() + ":"
                    + node.getPort() + "\r\nAccept: text/event-stream\r\n"
                    + (lastId == null ? "" : "Last-Event-ID: " + lastId + "\r\n") + "\r\n").getBytes(StandardCharsets.US_ASCII));
            headersDone = false;
        }
    }

    private record Reconnect(long atNanos, Connection connection) {
    }

    private final Selector selector = Selector.open();
    private final List<Connection> all = new ArrayList<>();
    private final PriorityQueue<Reconnect> reconnects = new PriorityQueue<>((a, b) -> Long.compare(a.atNanos(), b.atNanos()));
    private URI reconnectTo;
    /** The process whose CPU is taken from the drain on (the node that stays). */
    private String cpuPid;
    private String broker = "tcp://127.0.0.1:61616";
    private int connected;
    private int failed;
    private int endedByServer;
    private final AtomicInteger published = new AtomicInteger();
    private final AtomicLong noiseSent = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private volatile boolean publishing = true;

    private ResumeBench() throws IOException {
    }

    public static void main(String[] args) throws Exception {
        URI node = null;
        URI publishTo = null;
        ResumeBench bench = new ResumeBench();
        int connections = 15_000, rate = 1500, holdSeconds = 60;
        double broadcastRate = 10, noiseRate = 1700;
        String afterRamp = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--nodes" -> node = URI.create(args[++i]);
                case "--reconnect-to" -> bench.reconnectTo = URI.create(args[++i]);
                case "--connections" -> connections = Integer.parseInt(args[++i]);
                case "--rate" -> rate = Integer.parseInt(args[++i]);
                case "--broadcast-rate" -> broadcastRate = Double.parseDouble(args[++i]);
                case "--noise-rate" -> noiseRate = Double.parseDouble(args[++i]);
                case "--hold" -> holdSeconds = Integer.parseInt(args[++i]);
                case "--after-ramp" -> afterRamp = args[++i];
                case "--cpu-pid" -> bench.cpuPid = args[++i];
                case "--broker" -> bench.broker = args[++i];
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        publishTo = bench.reconnectTo;
        bench.run(node, publishTo, connections, rate, broadcastRate, noiseRate, holdSeconds, afterRamp);
    }

    private void run(URI node, URI publishTo, int total, int rate, double broadcastRate, double noiseRate, int holdSeconds,
                     String afterRamp) throws Exception {
        ByteBuffer buffer = ByteBuffer.allocateDirect(64 * 1024);
        long start = System.nanoTime();
        long rampDeadline = start + (long) (total * 1e9 / rate) + 120_000_000_000L;
        int started = 0;
        while (System.nanoTime() < rampDeadline && (started < total || connected + failed < total)) {
            int due = (int) Math.min(total, (System.nanoTime() - start) * rate / 1_000_000_000L + 1);
            while (started < due) {
                Connection connection = new Connection("r" + started);
                all.add(connection);
                open(connection, node);
                started++;
            }
            poll(buffer);
        }
        System.out.printf("ramp done in %.1f s: connected=%d failed=%d%n", (System.nanoTime() - start) / 1e9, connected, failed);
        Thread publisher = new Thread(() -> broadcast(publishTo, broadcastRate), "broadcasts");
        publisher.setDaemon(true);
        publisher.start();
        Thread noise = new Thread(() -> noise(noiseRate), "noise");
        noise.setDaemon(true);
        noise.start();
        pollFor(buffer, 5_000);
        long markMillis = System.currentTimeMillis();
        double cpuAtMark = cpuSeconds();
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
                long live = all.stream().filter(c -> c.liveAtMillis != 0).count();
                System.out.printf("connected=%d ended-by-server=%d waiting=%d live-again=%d published=%d noise=%d refused=%d%n",
                        connected, endedByServer, reconnects.size(), live, published.get(), noiseSent.get(), refused.get());
            }
        }
        double cpu = cpuSeconds() - cpuAtMark;
        publishing = false;
        publisher.join(10_000);
        noise.join(10_000);
        pollFor(buffer, 3_000);
        int last = published.get() - 1;
        Histogram liveAfter = new Histogram(3_600_000L, 3);
        int resets = 0, gaps = 0, duplicates = 0, missingAtEnd = 0, notBack = 0;
        for (Connection connection : all) {
            resets += connection.reset ? 1 : 0;
            gaps += connection.gaps;
            duplicates += connection.duplicates;
            missingAtEnd += connection.lastSeq < last ? 1 : 0;
            if (connection.reconnectedAtMillis == 0 || connection.liveAtMillis == 0) {
                notBack++;
            } else {
                liveAfter.recordValue(Math.max(0, connection.liveAtMillis - markMillis));
            }
        }
        System.out.printf("RESULT connections=%d failed=%d ended-by-server=%d not-live-again=%d resets=%d streams-with-gaps=%d"
                        + " gaps=%d duplicates=%d streams-missing-the-last=%d broadcasts=%d noise-events=%d refused=%d%n",
                total, failed, endedByServer, notBack, resets, all.stream().filter(c -> c.gaps > 0).count(), gaps, duplicates,
                missingAtEnd, published.get(), noiseSent.get(), refused.get());
        if (cpuPid != null) {
            System.out.printf("CPU of the node that stays, from the drain on (%d s): %.1f s%n", holdSeconds, cpu);
        }
        if (liveAfter.getTotalCount() > 0) {
            System.out.printf("LIVE AGAIN after the drain began: p50=%.1f s p99=%.1f s max (all live) %.1f s%n",
                    liveAfter.getValueAtPercentile(50) / 1000.0, liveAfter.getValueAtPercentile(99) / 1000.0,
                    liveAfter.getMaxValue() / 1000.0);
        }
        for (SelectionKey key : selector.keys()) {
            key.channel().close();
        }
    }

    /** Numbered broadcasts at their rate, one at a time and in order: a broadcast's number is its place in every stream. */
    private void broadcast(URI node, double rate) {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        long start = System.nanoTime();
        while (publishing) {
            if (published.get() >= (System.nanoTime() - start) / 1e9 * rate) {
                pause();
                continue;
            }
            String body = "{\"data\":{\"seq\":" + published.get() + ",\"at\":" + System.currentTimeMillis() + "}}";
            if (send(http, URI.create(node + "/sse/broadcast"), body)) {
                published.incrementAndGet();
            }
        }
    }

    /** Events for users nobody holds, at their rate, as a JMS application publishes them (sseUserId). */
    private void noise(double rate) {
        try (ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory(broker, "sse", "sse");
             JMSContext context = factory.createContext()) {
            Topic events = context.createTopic("sse.events");
            JMSProducer producer = context.createProducer().setDeliveryMode(jakarta.jms.DeliveryMode.NON_PERSISTENT);
            long start = System.nanoTime();
            long sent = 0;
            while (publishing) {
                if (sent >= (System.nanoTime() - start) / 1e9 * rate) {
                    pause();
                    continue;
                }
                TextMessage message = context.createTextMessage("{\"note\":\"for someone not here\",\"n\":" + sent + "}");
                message.setStringProperty("sseUserId", "away" + (sent % 100_000));
                producer.send(events, message);
                sent++;
                noiseSent.incrementAndGet();
            }
        } catch (Exception e) {
            System.out.println("noise stopped: " + e);
            refused.incrementAndGet();
        }
    }

    private void pause() {
        try {
            Thread.sleep(1);
        } catch (InterruptedException e) {
            publishing = false;
        }
    }

    private boolean send(HttpClient http, URI uri, String body) {
        try {
            HttpResponse<Void> response = http.send(post(uri, body), HttpResponse.BodyHandlers.discarding());
            if (response.statusCode() == 202) {
                return true;
            }
        } catch (IOException e) {
            // counted below
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        refused.incrementAndGet();
        return false;
    }

    private static HttpRequest post(URI uri, String body) {
        return HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    /** User plus system CPU of --cpu-pid, from /proc (clock ticks of 10 ms). */
    private double cpuSeconds() throws IOException {
        if (cpuPid == null) {
            return 0;
        }
        String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc", cpuPid, "stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0;
    }

    private void pollFor(ByteBuffer buffer, long millis) throws IOException {
        long until = System.nanoTime() + millis * 1_000_000L;
        while (System.nanoTime() < until) {
            poll(buffer);
        }
    }

    private void open(Connection connection, URI node) {
        connection.target(node);
        try {
            SocketChannel channel = SocketChannel.open();
            channel.configureBlocking(false);
            channel.connect(new InetSocketAddress(node.getHost(), node.getPort()));
            channel.register(selector, SelectionKey.OP_CONNECT, connection);
        } catch (IOException e) {
            failed++;
        }
    }

    private void poll(ByteBuffer buffer) throws IOException {
        long now = System.nanoTime();
        while (!reconnects.isEmpty() && reconnects.peek().atNanos() <= now) {
            Connection connection = reconnects.poll().connection();
            connection.reconnectedAtMillis = System.currentTimeMillis();
            open(connection, reconnectTo);
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
        if (connection.connected) {
            connection.connected = false;
            connected--;
            endedByServer++;
            reconnects.add(new Reconnect(System.nanoTime() + connection.retryMillis * 1_000_000L, connection));
        } else {
            failed++;
        }
    }

    private void parse(Connection connection, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            char c = (char) (buffer.get() & 0xff);
            if (c != '\n') {
                if (c != '\r' && connection.line.length() < 512) {
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
            } else if (line.startsWith("retry: ")) {
                connection.retryMillis = Long.parseLong(line.substring(7).trim());
            } else if (line.equals("event: reset")) {
                connection.reset = true;
            } else if (line.startsWith("id: ")) {
                connection.lastId = line.substring(4);
            } else if (line.startsWith("data: {\"seq\":")) {
                seen(connection, line);
            }
        }
    }

    private void seen(Connection connection, String line) {
        int comma = line.indexOf(',');
        int seq = Integer.parseInt(line.substring(13, comma));
        long at = Long.parseLong(line.substring(comma + 6, line.indexOf('}')));
        if (connection.lastSeq >= 0 && seq > connection.lastSeq + 1) {
            connection.gaps++;
        }
        if (seq <= connection.lastSeq) {
            connection.duplicates++;
        } else {
            connection.lastSeq = seq;
        }
        if (connection.reconnectedAtMillis != 0 && connection.liveAtMillis == 0 && at >= connection.reconnectedAtMillis) {
            connection.liveAtMillis = System.currentTimeMillis();
        }
    }
}
