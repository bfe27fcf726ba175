import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The load client (docs/BENCHMARKS.md): opens many SSE connections from one process with one NIO
 * selector thread, holds them, parses the streams incrementally and checks each connection's
 * sequence numbers (loss, duplicates, order); optionally publishes broadcasts that carry their send
 * time and measures fan-out latency (HdrHistogram) and completion time. Several processes run side
 * by side (--user-offset; one process holds at most ~19,000 sockets here) and
 * bench/SseReport.java merges their --json reports. Single file; HdrHistogram on the class path:
 *
 *   java -cp target/bench-lib/HdrHistogram-2.2.2.jar bench/SseLoad.java --nodes http://127.0.0.1:9080 \
 *        --connections 10000 --rate 1000 --hold 60 [--publish 100 --publish-rate 2 | --expect 100] --json out.json
 *   ... bench/SseLoad.java --publish-only --nodes http://127.0.0.1:9080 --publish 60 --publish-rate 1
 *
 * Topics: --topics 1000 makes connection c listen to 10 (--topics-per-connection) of the topics t/0..t/999,
 * spread evenly, and to --shared-topic NAME if given. --alternate-topic NAME publishes every other block of
 * ten measured events to that topic instead of as broadcasts and reports both kinds apart; --publish-topic
 * NAME publishes every event to that topic.
 * --topic-storm RATE:SECONDS publishes RATE events/s for SECONDS, each to the next of the topics, and
 * reports deliveries per second, latency, and deliveries against those expected.
 *
 * --peer webflux|nchan measures one of the peers in ../shared/peers instead (bench/side-by-side.sh): their
 * broadcast URL and body, their events without ids, WebFlux's connect at its first event.
 *
 * Every loop is bounded: connecting stops after --connections, the run after ramp + --hold seconds.
 */
public final class SseLoad {

    static final class Connection {
        final String userId;
        final ByteBuffer request;
        final StringBuilder line = new StringBuilder();
        boolean headersDone;
        boolean connected;
        boolean stalled;
        long events;
        long pings;
        int lastSeq = -1;
        /** Which of --nodes it went to (the stall timeline reads each node's first and last delivery). */
        int node;

        Connection(String userId, String host, String path) {
            this.userId = userId;
            this.request = ByteBuffer.wrap(("GET " + path.replace("{user}", userId) + " HTTP/1.1\r\nHost: " + host
                    + "\r\nAccept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        }
    }

    /** What to publish once every connection is up, and how to measure it. */
    static final class Publishing {
        int count;
        /** Events this process expects when another process publishes them (warm-up not included). */
        int expect;
        boolean publishOnly;
        /** Broadcasts sent first and left out of latency and completion (JIT warm-up); still checked for loss. */
        int warmup;
        double rate = 1;
        String node;
        int payloadBytes = 100;
        int stalled;
        String json;
        int topics;
        int topicsPerConnection = 10;
        String sharedTopic;
        String alternateTopic;
        /** Every event (warm-up too) goes to this topic instead of being broadcast. */
        String publishTopic;
        /** A peer server to measure instead of a node (docs/BENCHMARKS.md, side by side): webflux or nchan. */
        String peer;
        double stormRate;
        int stormSeconds;
    }

    private final Publishing publishing;
    /** Receive latency of every measured (event, connection) pair, in microseconds, up to an hour. */
    private final org.HdrHistogram.Histogram latency = new org.HdrHistogram.Histogram(3_600_000_000L, 3);
    private long[] completionMicros;
    private int[] receivers;
    private long lost;
    private long duplicates;
    /** Each event's send time: the publisher's when it sends, a receiver's from the data it reads. */
    private volatile long[] sentAtMicros;
    /** Per node (--nodes order) and event: the earliest and the latest latency of its deliveries. */
    private List<String> nodeNames = List.of();
    private long[][] firstByNodeMicros;
    private long[][] lastByNodeMicros;
    /** Wall clock minus the monotonic clock the send times use (every process on this host shares the latter). */
    private final long wallMinusMonotonicMicros = System.currentTimeMillis() * 1000 - System.nanoTime() / 1000;
    /** With --alternate-topic: latency and completion of the events sent to the topic, apart from the broadcasts. */
    private final org.HdrHistogram.Histogram topicLatency = new org.HdrHistogram.Histogram(3_600_000_000L, 3);
    /** With --topic-storm: latency of every storm delivery, how many came, and how many of this process's connections listen to each topic. */
    private final org.HdrHistogram.Histogram stormLatency = new org.HdrHistogram.Histogram(3_600_000_000L, 3);
    private long stormDeliveries;
    private int[] listenersByTopic;
    private volatile int stormPublished;
    private volatile double stormPublishSeconds;

    SseLoad(Publishing publishing) {
        this.publishing = publishing;
    }

    private int open;
    private int connectedCount;
    private int failed;
    private int closedByServer;
    private long events;
    private long pings;
    private final List<String> failures = new ArrayList<>();

    public static void main(String[] args) throws IOException {
        List<String> nodes = new ArrayList<>();
        int connections = 1000;
        int rate = 1000;
        int holdSeconds = 30;
        String prefix = "load";
        int offset = 0;
        int maxSeconds = 0;
        Publishing publishing = new Publishing();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--nodes" -> nodes.addAll(List.of(args[++i].split(",")));
                case "--connections" -> connections = Integer.parseInt(args[++i]);
                case "--rate" -> rate = Integer.parseInt(args[++i]);
                case "--hold" -> holdSeconds = Integer.parseInt(args[++i]);
                case "--max-seconds" -> maxSeconds = Integer.parseInt(args[++i]);
                case "--user-prefix" -> prefix = args[++i];
                case "--user-offset" -> offset = Integer.parseInt(args[++i]);
                case "--publish" -> publishing.count = Integer.parseInt(args[++i]);
                case "--expect" -> publishing.expect = Integer.parseInt(args[++i]);
                case "--publish-only" -> publishing.publishOnly = true;
                case "--publish-rate" -> publishing.rate = Double.parseDouble(args[++i]);
                case "--publish-to" -> publishing.node = args[++i];
                case "--payload-bytes" -> publishing.payloadBytes = Integer.parseInt(args[++i]);
                case "--warmup" -> publishing.warmup = Integer.parseInt(args[++i]);
                case "--stalled" -> publishing.stalled = Integer.parseInt(args[++i]);
                case "--json" -> publishing.json = args[++i];
                case "--topics" -> publishing.topics = Integer.parseInt(args[++i]);
                case "--topics-per-connection" -> publishing.topicsPerConnection = Integer.parseInt(args[++i]);
                case "--shared-topic" -> publishing.sharedTopic = args[++i];
                case "--alternate-topic" -> publishing.alternateTopic = args[++i];
                case "--publish-topic" -> publishing.publishTopic = args[++i];
                case "--peer" -> publishing.peer = args[++i];
                case "--topic-storm" -> {
                    String[] storm = args[++i].split(":");
                    publishing.stormRate = Double.parseDouble(storm[0]);
                    publishing.stormSeconds = Integer.parseInt(storm[1]);
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (nodes.isEmpty()) {
            nodes.add("http://127.0.0.1:9080");
        }
        if (publishing.publishOnly) {
            new SseLoad(publishing).publish(nodes.get(0));
            return;
        }
        new SseLoad(publishing).run(nodes, connections, rate, holdSeconds, prefix, offset, maxSeconds);
    }

    /** Events to account for: the ones this process publishes, or those it was told to expect. */
    private int measuredEvents() {
        return publishing.count > 0 ? publishing.count : publishing.expect;
    }

    /**
     * @param maxSeconds the whole run's time bound; 0 means the nominal ramp + hold + 30 s (a ramp that
     *                   the server slows down then shortens the hold: give slow setups a larger bound)
     */
    private void run(List<String> nodes, int total, int rate, int holdSeconds, String prefix, int offset, int maxSeconds)
            throws IOException {
        Selector selector = Selector.open();
        ByteBuffer readBuffer = ByteBuffer.allocateDirect(64 * 1024);
        long start = System.nanoTime();
        long rampNanos = (long) (total * 1e9 / rate);
        long deadline = maxSeconds > 0 ? start + maxSeconds * 1_000_000_000L
                : start + rampNanos + holdSeconds * 1_000_000_000L + 30_000_000_000L;
        long holdUntil = Long.MAX_VALUE;
        long nextReport = start + 5_000_000_000L;
        long eventsAtLastReport = 0;
        int started = 0;
        listenersByTopic = new int[Math.max(1, publishing.topics)];
        nodeNames = nodes;
        if (publishing.count == 0 && publishing.expect > 0) {
            expect(publishing.warmup + publishing.expect);
        }
        while (System.nanoTime() < Math.min(deadline, holdUntil)) {
            long now = System.nanoTime();
            int due = (int) Math.min(total, (now - start) * rate / 1_000_000_000L + 1);
            while (started < due) {
                URI node = URI.create(nodes.get(started % nodes.size()));
                Connection connection = new Connection(prefix + (offset + started), node.getHost() + ":" + node.getPort(),
                        "/sse/connect/{user}" + topicQuery(offset + started, started < publishing.stalled));
                connection.stalled = started < publishing.stalled;
                connection.node = started % nodes.size();
                started++;
                try {
                    SocketChannel channel = SocketChannel.open();
                    if (connection.stalled) {
                        // A client that never reads: a small window makes the server's writes stall soon.
                        channel.setOption(java.net.StandardSocketOptions.SO_RCVBUF, 4096);
                    }
                    channel.configureBlocking(false);
                    channel.connect(new InetSocketAddress(node.getHost(), node.getPort()));
                    channel.register(selector, SelectionKey.OP_CONNECT, connection);
                    open++;
                } catch (IOException e) {
                    fail(connection, e.toString());
                }
            }
            if (holdUntil == Long.MAX_VALUE && started == total && connectedCount + failed + closedByServer >= total) {
                holdUntil = System.nanoTime() + holdSeconds * 1_000_000_000L;
                System.out.printf("ramp done in %.1f s: connected=%d failed=%d; holding %d s%n",
                        (System.nanoTime() - start) / 1e9, connectedCount, failed, holdSeconds);
                if (publishing.count > 0) {
                    startPublisher(nodes.get(0));
                }
                if (publishing.stormRate > 0) {
                    Thread storm = new Thread(() -> storm(nodes.get(0)), "storm");
                    storm.setDaemon(true);
                    storm.start();
                }
            }
            selector.select(20);
            Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
            while (keys.hasNext()) {
                SelectionKey key = keys.next();
                keys.remove();
                handle(key, readBuffer);
            }
            if (System.nanoTime() >= nextReport) {
                nextReport += 5_000_000_000L;
                System.out.printf("t=%5.1fs open=%d connected=%d failed=%d closed-by-server=%d events=%d (%d/s) pings=%d%n",
                        (System.nanoTime() - start) / 1e9, open, connectedCount, failed, closedByServer, events,
                        (events - eventsAtLastReport) / 5, pings);
                eventsAtLastReport = events;
            }
        }
        System.out.printf("RESULT connections=%d connected=%d failed=%d closed-by-server=%d open-at-end=%d events=%d pings=%d%n",
                total, connectedCount, failed, closedByServer, open, events, pings);
        failures.stream().limit(10).forEach(f -> System.out.println("  failure: " + f));
        if (measuredEvents() > 0) {
            // A connect that failed never had a stream to deliver to: not counted as missing its events.
            report(Math.max(0, total - publishing.stalled - failed), total);
        }
        if (publishing.stormRate > 0) {
            reportStorm();
        }
        for (SelectionKey key : selector.keys()) {
            key.channel().close();
        }
        selector.close();
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
                    if (connection.stalled) {
                        key.interestOps(0);
                        connectedCount++;
                    } else {
                        key.interestOps(SelectionKey.OP_READ);
                    }
                }
            }
            if (key.isValid() && key.isReadable()) {
                buffer.clear();
                int read = channel.read(buffer);
                if (read < 0) {
                    close(key, connection, connection.connected ? null : "closed before connected");
                    return;
                }
                buffer.flip();
                parse(connection, buffer);
            }
        } catch (StreamEnded e) {
            close(key, connection, null);
        } catch (IOException e) {
            close(key, connection, e.toString());
        }
    }

    /** The server ended a stream with the last chunk of its response, without closing the connection. */
    static final class StreamEnded extends IOException {
        StreamEnded() {
            super("stream ended");
        }
    }

    /** Just enough of HTTP and SSE to count frames: status line, headers, then lines of the event stream. */
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
                // Nchan sends no connected event: its headers are the sign the stream is open.
                if (connection.headersDone && "nchan".equals(publishing.peer)) {
                    connection.connected = true;
                    connectedCount++;
                }
                continue;
            }
            if (line.equals("0")) {
                // The last chunk: the server ended the stream and keeps the connection (an EventSource reconnects).
                throw new StreamEnded();
            }
            if (publishing.peer != null) {
                // The peers write "data:x" (WebFlux) or "data: x"; neither sends ids, so data lines are the events.
                if (line.startsWith("data:") && !line.startsWith("data: ")) {
                    line = "data: " + line.substring(5);
                }
                if (!connection.connected && line.startsWith("data: ")) {
                    // WebFlux sends no headers before its first event (a ping at the latest): that is its connect.
                    connection.connected = true;
                    connectedCount++;
                }
                if (line.equals("data: ping")) {
                    connection.pings++;
                    pings++;
                    continue;
                }
                if (line.startsWith("data: bench ")) {
                    connection.events++;
                    events++;
                }
            }
            if (line.equals("event: connected")) {
                connection.connected = true;
                connectedCount++;
            } else if (line.startsWith(": ping")) {
                connection.pings++;
                pings++;
            } else if (line.startsWith("id: ")) {
                connection.events++;
                events++;
            } else if (line.startsWith("data: bench ")) {
                received(connection, line);
            } else if (line.startsWith("data: storm ")) {
                long sent = Long.parseLong(line, 12, line.indexOf(' ', 12), 10);
                stormLatency.recordValue(Math.min(Math.max(0, System.nanoTime() / 1000 - sent), stormLatency.getHighestTrackableValue()));
                stormDeliveries++;
            }
        }
    }

    /** Publishes {@code count} events at {@code rate}/s from a thread of its own; data carries sequence and send time. */
    private void expect(int count) {
        sentAtMicros = new long[count];
        completionMicros = new long[count];
        receivers = new int[count];
        firstByNodeMicros = new long[nodeNames.size()][count];
        lastByNodeMicros = new long[nodeNames.size()][count];
        for (long[] first : firstByNodeMicros) {
            java.util.Arrays.fill(first, Long.MAX_VALUE);
        }
    }

    private void startPublisher(String defaultNode) {
        expect(publishing.warmup + publishing.count);
        Thread publisher = new Thread(() -> publish(defaultNode), "publisher");
        publisher.setDaemon(true);
        publisher.start();
    }

    /** Publishes warm-up + measured broadcasts at the rate; the data carries sequence and send time. */
    private void publish(String defaultNode) {
        int count = publishing.warmup + publishing.count;
        if (sentAtMicros == null) {
            expect(count);
        }
        String node = publishing.node != null ? publishing.node : defaultNode;
        String target = node + (publishing.publishTopic != null ? "/sse/topics/" + publishing.publishTopic : "/sse/broadcast");
        java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder()
                .version(java.net.http.HttpClient.Version.HTTP_1_1).build();
        String padding = "p".repeat(Math.max(0, publishing.payloadBytes - 40));
        long begin = System.nanoTime();
        for (int seq = 0; seq < count; seq++) {
            long due = begin + (long) (seq * 1e9 / publishing.rate);
            long wait = due - System.nanoTime();
            if (wait > 0) {
                java.util.concurrent.locks.LockSupport.parkNanos(wait);
            }
            long sent = System.nanoTime() / 1000;
            sentAtMicros[seq] = sent;
            String data = "bench " + seq + " " + sent + " " + padding;
            try {
                java.net.http.HttpRequest request;
                if ("webflux".equals(publishing.peer)) {
                    request = java.net.http.HttpRequest.newBuilder(URI.create(node + "/broadcast?message="
                            + java.net.URLEncoder.encode(data, java.nio.charset.StandardCharsets.UTF_8)))
                            .POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build();
                } else if ("nchan".equals(publishing.peer)) {
                    request = java.net.http.HttpRequest.newBuilder(URI.create(node + "/broadcast"))
                            .POST(java.net.http.HttpRequest.BodyPublishers.ofString(data)).build();
                } else {
                    String to = toTopic(seq) ? node + "/sse/topics/" + publishing.alternateTopic : target;
                    request = java.net.http.HttpRequest.newBuilder(URI.create(to)).header("Content-Type", "application/json")
                            .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"data\":\"" + data + "\"}")).build();
                }
                var response = http.send(request, java.net.http.HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() / 100 != 2) {
                    System.out.println("publish " + seq + " answered " + response.statusCode());
                }
            } catch (IOException | InterruptedException e) {
                System.out.println("publish " + seq + " failed: " + e);
            }
        }
        System.out.printf("published %d events in %.1f s%n", count, (System.nanoTime() - begin) / 1e9);
    }

    /** "data: bench <seq> <sentMicros> ...": latency from the publisher's send to this parse. */
    private void received(Connection connection, String line) {
        long now = System.nanoTime() / 1000;
        int space = line.indexOf(' ', 12);
        int seq = Integer.parseInt(line, 12, space, 10);
        long sent = Long.parseLong(line, space + 1, line.indexOf(' ', space + 1), 10);
        long micros = Math.max(0, now - sent);
        if (receivers == null || seq >= receivers.length) {
            return; // not an event this process was told to expect: not counted
        }
        if (seq >= publishing.warmup) {
            (toTopic(seq) ? topicLatency : latency).recordValue(Math.min(micros, latency.getHighestTrackableValue()));
        }
        if (seq <= connection.lastSeq) {
            duplicates++;
        } else {
            lost += seq - connection.lastSeq - 1;
            connection.lastSeq = seq;
        }
        receivers[seq]++;
        completionMicros[seq] = Math.max(completionMicros[seq], micros);
        sentAtMicros[seq] = sent;
        if (connection.node < firstByNodeMicros.length) {
            firstByNodeMicros[connection.node][seq] = Math.min(firstByNodeMicros[connection.node][seq], micros);
            lastByNodeMicros[connection.node][seq] = Math.max(lastByNodeMicros[connection.node][seq], micros);
        }
    }

    /** Per node, per event, in µs; -1 where the node delivered the event to none of this process's connections. */
    private static String byNode(long[][] micros) {
        return java.util.Arrays.stream(micros)
                .map(row -> java.util.Arrays.stream(row).map(m -> m == Long.MAX_VALUE || m == 0 ? -1 : m)
                        .mapToObj(String::valueOf).collect(java.util.stream.Collectors.joining(",", "[", "]")))
                .collect(java.util.stream.Collectors.joining(",", "[", "]"));
    }

    /** Prints the summary and writes the --json report, which bench/SseReport.java can merge with others. */
    private void report(int healthy, int total) {
        long[] byEvent = java.util.Arrays.copyOfRange(completionMicros, publishing.warmup, completionMicros.length);
        long[] completions = byEvent.clone();
        java.util.Arrays.sort(completions);
        long complete = java.util.Arrays.stream(receivers).filter(r -> r == healthy).count();
        // Events published but never seen by a healthy connection at the end count as lost too.
        long missingAtEnd = 0;
        for (int r : receivers) {
            missingAtEnd += Math.max(0, healthy - r);
        }
        java.nio.ByteBuffer encoded = java.nio.ByteBuffer.allocate(latency.getNeededByteBufferCapacity());
        latency.encodeIntoCompressedByteBuffer(encoded);
        double cpuSeconds = ProcessHandle.current().info().totalCpuDuration().map(d -> d.toMillis() / 1000.0).orElse(-1.0);
        String summary = String.format(java.util.Locale.ROOT,
                "{\"healthyConnections\":%d,\"stalledConnections\":%d,\"events\":%d,\"deliveries\":%d,"
                        + "\"eventsReachingAll\":%d,\"lostGaps\":%d,\"missingAtEnd\":%d,\"duplicates\":%d,"
                        + "\"latencyMs\":{\"p50\":%.1f,\"p90\":%.1f,\"p99\":%.1f,\"max\":%.1f},"
                        + "\"completionMs\":{\"p50\":%.1f,\"p99\":%.1f,\"max\":%.1f},\"warmupEvents\":%d,"
                        + "\"completionByEventMs\":%s",
                healthy, publishing.stalled, measuredEvents(), latency.getTotalCount(), complete, lost, missingAtEnd, duplicates,
                ms(latency.getValueAtPercentile(50)), ms(latency.getValueAtPercentile(90)), ms(latency.getValueAtPercentile(99)),
                ms(latency.getMaxValue()),
                pctL(completions, 50), pctL(completions, 99), completions.length == 0 ? 0 : completions[completions.length - 1] / 1000.0,
                publishing.warmup, java.util.Arrays.stream(byEvent).mapToObj(c -> String.valueOf(c / 1000))
                        .collect(java.util.stream.Collectors.joining(",", "[", "]")));
        if (publishing.alternateTopic != null) {
            summary += ",\"byKind\":{" + kind("broadcast", false) + "," + kind("topic", true) + "}";
        }
        System.out.println("SUMMARY " + summary + "}");
        String full = summary + String.format(java.util.Locale.ROOT,
                ",\"connections\":%d,\"connected\":%d,\"failed\":%d,\"closedByServer\":%d,\"cpuSeconds\":%.2f,"
                        + "\"receivers\":%s,\"completionMicros\":%s,\"sentMicros\":%s,\"wallMinusMonotonicMicros\":%d,"
                        + "\"nodes\":%s,\"firstByNodeMicros\":%s,\"lastByNodeMicros\":%s,\"histogram\":\"%s\"}",
                total, connectedCount, failed, closedByServer, cpuSeconds,
                java.util.Arrays.toString(receivers).replace(" ", ""), java.util.Arrays.toString(completionMicros).replace(" ", ""),
                java.util.Arrays.toString(sentAtMicros).replace(" ", ""), wallMinusMonotonicMicros,
                nodeNames.stream().map(n -> "\"" + n + "\"").collect(java.util.stream.Collectors.joining(",", "[", "]")),
                byNode(firstByNodeMicros), byNode(lastByNodeMicros),
                java.util.Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(encoded.array(), encoded.position())));
        if (publishing.json != null) {
            try {
                java.nio.file.Files.writeString(java.nio.file.Path.of(publishing.json), full + "\n");
            } catch (IOException e) {
                System.out.println("could not write " + publishing.json + ": " + e);
            }
        }
    }

    /**
     * With --alternate-topic, measured events go in blocks of ten, broadcasts then topic events: both kinds
     * cross the same warm JIT and the same load, and no periodic effect (a collection every other event)
     * lands on one kind alone.
     */
    private boolean toTopic(int seq) {
        return publishing.alternateTopic != null && seq >= publishing.warmup && (seq - publishing.warmup) / 10 % 2 == 1;
    }

    private String kind(String name, boolean topic) {
        long[] completions = java.util.stream.IntStream.range(publishing.warmup, completionMicros.length)
                .filter(seq -> toTopic(seq) == topic).mapToLong(seq -> completionMicros[seq]).sorted().toArray();
        org.HdrHistogram.Histogram h = topic ? topicLatency : latency;
        return String.format(java.util.Locale.ROOT, "\"%s\":{\"events\":%d,\"completionMs\":{\"p50\":%.1f,\"p99\":%.1f},"
                        + "\"latencyMs\":{\"p50\":%.1f,\"p99\":%.1f}}", name, completions.length,
                pctL(completions, 50), pctL(completions, 99), ms(h.getValueAtPercentile(50)), ms(h.getValueAtPercentile(99)));
    }

    /** "?topic=t/a&topic=t/b...&topic=shared" for connection c: --topics-per-connection topics spread evenly. */
    private String topicQuery(int c, boolean stalled) {
        if (publishing.topics == 0) {
            return publishing.sharedTopic == null ? "" : "?topic=" + publishing.sharedTopic;
        }
        StringBuilder query = new StringBuilder();
        int step = Math.max(1, publishing.topics / publishing.topicsPerConnection);
        for (int k = 0; k < publishing.topicsPerConnection; k++) {
            int topic = (c + k * step) % publishing.topics;
            if (!stalled) {
                listenersByTopic[topic]++;
            }
            query.append(query.length() == 0 ? '?' : '&').append("topic=t/").append(topic);
        }
        if (publishing.sharedTopic != null) {
            query.append("&topic=").append(publishing.sharedTopic);
        }
        return query.toString();
    }

    /** --topic-storm: RATE events/s, each to the next topic, from a pool of in-flight requests so the rate holds. */
    private void storm(String defaultNode) {
        String node = publishing.node != null ? publishing.node : defaultNode;
        java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder()
                .version(java.net.http.HttpClient.Version.HTTP_1_1).build();
        java.util.concurrent.Semaphore inFlight = new java.util.concurrent.Semaphore(64);
        int count = (int) (publishing.stormRate * publishing.stormSeconds);
        String padding = "p".repeat(Math.max(0, publishing.payloadBytes - 40));
        long begin = System.nanoTime();
        for (int seq = 0; seq < count; seq++) {
            long wait = begin + (long) (seq * 1e9 / publishing.stormRate) - System.nanoTime();
            if (wait > 0) {
                java.util.concurrent.locks.LockSupport.parkNanos(wait);
            }
            inFlight.acquireUninterruptibly();
            String body = "{\"data\":\"storm " + System.nanoTime() / 1000 + " " + padding + "\"}";
            http.sendAsync(java.net.http.HttpRequest.newBuilder(URI.create(node + "/sse/topics/t/" + (seq % publishing.topics)))
                            .header("Content-Type", "application/json")
                            .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(),
                    java.net.http.HttpResponse.BodyHandlers.discarding())
                    .whenComplete((response, failure) -> {
                        inFlight.release();
                        if (failure != null || response.statusCode() != 202) {
                            System.out.println("storm publish failed: " + (failure != null ? failure : response.statusCode()));
                        }
                    });
        }
        inFlight.acquireUninterruptibly(64);
        stormPublishSeconds = (System.nanoTime() - begin) / 1e9;
        stormPublished = count;
        System.out.printf("storm: published %d topic events in %.1f s%n", count, stormPublishSeconds);
    }

    private void reportStorm() {
        long expected = 0;
        for (int seq = 0; seq < stormPublished; seq++) {
            expected += listenersByTopic[seq % publishing.topics];
        }
        System.out.printf(java.util.Locale.ROOT, "STORM {\"published\":%d,\"publishSeconds\":%.1f,\"expectedDeliveries\":%d,"
                        + "\"deliveries\":%d,\"deliveredPerSecond\":%.0f,\"latencyMs\":{\"p50\":%.1f,\"p90\":%.1f,"
                        + "\"p99\":%.1f,\"max\":%.1f}}%n", stormPublished, stormPublishSeconds, expected, stormDeliveries,
                stormDeliveries / Math.max(1, stormPublishSeconds),
                ms(stormLatency.getValueAtPercentile(50)), ms(stormLatency.getValueAtPercentile(90)),
                ms(stormLatency.getValueAtPercentile(99)), ms(stormLatency.getMaxValue()));
    }

    private static double ms(long micros) {
        return micros / 1000.0;
    }

    private static double pctL(long[] sorted, double p) {
        return sorted.length == 0 ? 0 : sorted[(int) Math.min(sorted.length - 1, Math.ceil(p / 100 * sorted.length) - 1)] / 1000.0;
    }

    private void close(SelectionKey key, Connection connection, String failure) {
        key.cancel();
        try {
            key.channel().close();
        } catch (IOException ignored) {
            // closing anyway
        }
        open--;
        if (failure != null) {
            fail(connection, failure);
        } else {
            closedByServer++;
        }
    }

    private void fail(Connection connection, String reason) {
        failed++;
        if (failures.size() < 100) {
            failures.add(connection.userId + ": " + reason);
        }
    }
}
