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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The connect storm (docs/BENCHMARKS.md, issue 17): --attempts subscribes spread evenly over --seconds
 * from one process (one NIO selector thread), each answered by its status line and headers: a 200 is
 * held and read; a 503 (or any other status) is recorded with whether it carried Retry-After, then
 * closed; a connection closed or reset before its headers is a reset, and one without headers after
 * 30 s a hang. With --probe URL a second thread asks that URL (the management port's /health/live)
 * every 100 ms and keeps the worst answer time. After the storm the held streams wait for a broadcast
 * whose data is "storm-broadcast <sent micros>" (sent by --publish-only) and report when each got it.
 * Several processes run side by side (one holds at most ~19,000 sockets here). --warmup ends the run (and
 * every connection) as soon as all attempts are answered: a first storm that lets the node's JIT compile
 * the subscribe path, as a node in service has. Every loop is bounded.
 *
 *   java bench/ConnectStorm.java --node http://127.0.0.1:9380 --attempts 10000 --seconds 5 --user-offset 0 \
 *        --hold 90 [--probe http://127.0.0.1:9390/health/live] --json out.json
 *   java bench/ConnectStorm.java --publish-only http://127.0.0.1:9390
 */
public final class ConnectStorm {

    private static final long HEADER_TIMEOUT_NANOS = 30_000_000_000L;

    static final class Attempt {
        final ByteBuffer request;
        final StringBuilder line = new StringBuilder();
        long startNanos;
        int status;
        boolean headersDone;
        boolean retryAfter;
        long receivedMicros = -1;

        Attempt(String host, String user) {
            request = ByteBuffer.wrap(("GET /sse/connect/" + user + " HTTP/1.1\r\nHost: " + host
                    + "\r\nAccept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        }
    }

    public static void main(String[] args) throws Exception {
        String node = null;
        String probe = null;
        String json = null;
        int attempts = 10000;
        double seconds = 5;
        int userOffset = 0;
        int hold = 90;
        boolean warmup = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--node" -> node = args[++i];
                case "--attempts" -> attempts = Integer.parseInt(args[++i]);
                case "--seconds" -> seconds = Double.parseDouble(args[++i]);
                case "--user-offset" -> userOffset = Integer.parseInt(args[++i]);
                case "--hold" -> hold = Integer.parseInt(args[++i]);
                case "--probe" -> probe = args[++i];
                case "--json" -> json = args[++i];
                case "--warmup" -> warmup = true;
                case "--publish-only" -> {
                    publish(args[++i]);
                    return;
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        new ConnectStorm().run(URI.create(node), attempts, seconds, userOffset, warmup ? 0 : hold, probe, json, warmup);
    }

    /** One broadcast carrying its send time, on the (unlimited) management port. */
    static void publish(String management) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        String body = "{\"data\":\"storm-broadcast " + System.nanoTime() / 1000 + "\"}";
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(management + "/sse/broadcast"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        System.out.println("broadcast published: " + response.statusCode() + " " + response.body());
    }

    /** Asks the URL every 100 ms until stopped; the worst answer time and the failures. */
    static final class Probe extends Thread {
        final URI uri;
        final AtomicLong worstMicros = new AtomicLong();
        final AtomicLong asked = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        volatile boolean stop;

        Probe(String url) {
            super("probe");
            uri = URI.create(url);
            setDaemon(true);
        }

        @Override
        public void run() {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            while (!stop) {
                long start = System.nanoTime();
                try {
                    HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
                            HttpResponse.BodyHandlers.ofString());
                    if (response.statusCode() != 200) {
                        failed.incrementAndGet();
                    }
                } catch (IOException | InterruptedException e) {
                    failed.incrementAndGet();
                }
                long micros = (System.nanoTime() - start) / 1000;
                asked.incrementAndGet();
                worstMicros.accumulateAndGet(micros, Math::max);
                try {
                    Thread.sleep(Math.max(0, 100 - micros / 1000));
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    void run(URI node, int count, double seconds, int userOffset, int hold, String probeUrl, String json, boolean warmup)
            throws IOException {
        InetSocketAddress address = new InetSocketAddress(node.getHost(), node.getPort());
        String host = node.getHost() + ":" + node.getPort();
        Attempt[] attempts = new Attempt[count];
        Probe probe = probeUrl == null ? null : new Probe(probeUrl);
        if (probe != null) {
            probe.start();
        }
        Selector selector = Selector.open();
        ByteBuffer buffer = ByteBuffer.allocateDirect(64 * 1024);
        long start = System.nanoTime();
        long stormNanos = (long) (seconds * 1e9);
        long deadline = start + stormNanos + HEADER_TIMEOUT_NANOS + hold * 1_000_000_000L;
        int opened = 0;
        int answered = 0;
        long lastAnswerNanos = start;
        boolean stormDone = false;
        long stormDoneNanos = 0;
        int[] refusedAtConnect = {0};
        while (System.nanoTime() < deadline) {
            long now = System.nanoTime();
            int due = (int) Math.min(count, (now - start) * (double) count / stormNanos + 1);
            while (opened < due) {
                Attempt attempt = new Attempt(host, "storm-" + (userOffset + opened));
                attempts[opened++] = attempt;
                attempt.startNanos = System.nanoTime();
                try {
                    SocketChannel channel = SocketChannel.open();
                    channel.configureBlocking(false);
                    channel.connect(address);
                    channel.register(selector, SelectionKey.OP_CONNECT, attempt);
                } catch (IOException e) {
                    attempt.status = -1;
                    refusedAtConnect[0]++;
                    answered++;
                }
            }
            selector.select(5);
            Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
            while (keys.hasNext()) {
                SelectionKey key = keys.next();
                keys.remove();
                Attempt attempt = (Attempt) key.attachment();
                SocketChannel channel = (SocketChannel) key.channel();
                boolean wasDone = attempt.headersDone || attempt.status != 0;
                try {
                    if (key.isConnectable()) {
                        channel.finishConnect();
                        key.interestOps(SelectionKey.OP_WRITE);
                    } else if (key.isWritable()) {
                        channel.write(attempt.request);
                        if (!attempt.request.hasRemaining()) {
                            key.interestOps(SelectionKey.OP_READ);
                        }
                    } else if (key.isReadable()) {
                        buffer.clear();
                        int read = channel.read(buffer);
                        if (read < 0) {
                            throw new IOException("closed by the server");
                        }
                        buffer.flip();
                        parse(attempt, buffer);
                        if (attempt.headersDone && attempt.status != 200) {
                            key.cancel();
                            channel.close();
                        }
                    }
                } catch (IOException e) {
                    key.cancel();
                    channel.close();
                    if (!attempt.headersDone) {
                        attempt.status = -1;
                    }
                }
                if (!wasDone && (attempt.headersDone || attempt.status != 0)) {
                    answered++;
                    lastAnswerNanos = System.nanoTime();
                }
            }
            if (!stormDone && opened == count && (answered == count || now - start > stormNanos + HEADER_TIMEOUT_NANOS)) {
                stormDone = true;
                stormDoneNanos = now;
                if (probe != null) {
                    probe.stop = true;
                }
                System.out.printf(Locale.ROOT, "storm done: %d attempts answered in %.1f s (last answer at %.1f s)%n",
                        answered, (now - start) / 1e9, (lastAnswerNanos - start) / 1e9);
                System.out.flush();
            }
            if (stormDone && (warmup || now - stormDoneNanos > 10_000_000_000L && allHeldReceived(attempts))) {
                break;
            }
        }
        report(attempts, probe, json, start, lastAnswerNanos);
        for (SelectionKey key : selector.keys()) {
            key.channel().close();
        }
    }

    private static boolean allHeldReceived(Attempt[] attempts) {
        boolean anyHeld = false;
        for (Attempt attempt : attempts) {
            if (attempt.status == 200) {
                anyHeld = true;
                if (attempt.receivedMicros < 0) {
                    return false;
                }
            }
        }
        return anyHeld;
    }

    /** Status line and headers, then (for a held stream) the storm broadcast's data line. */
    private static void parse(Attempt attempt, ByteBuffer bytes) {
        while (bytes.hasRemaining()) {
            char c = (char) (bytes.get() & 0xFF);
            if (c == '\r') {
                continue;
            }
            if (c != '\n') {
                if (attempt.line.length() < 512) {
                    attempt.line.append(c);
                }
                continue;
            }
            String line = attempt.line.toString();
            attempt.line.setLength(0);
            if (!attempt.headersDone) {
                if (attempt.status == 0 && line.startsWith("HTTP/1.1 ")) {
                    attempt.status = Integer.parseInt(line.substring(9, 12));
                } else if (line.regionMatches(true, 0, "Retry-After:", 0, 12)) {
                    attempt.retryAfter = true;
                } else if (line.isEmpty()) {
                    attempt.headersDone = true;
                    if (attempt.status != 200) {
                        return;
                    }
                }
            } else if (line.startsWith("data: storm-broadcast ") && attempt.receivedMicros < 0) {
                long sent = Long.parseLong(line.substring(22).trim());
                attempt.receivedMicros = System.nanoTime() / 1000 - sent;
            }
        }
    }

    private static void report(Attempt[] attempts, Probe probe, String json, long start, long lastAnswerNanos) throws IOException {
        TreeMap<Integer, Integer> byStatus = new TreeMap<>();
        int with503 = 0;
        int retryAfterOn503 = 0;
        int resets = 0;
        int hangs = 0;
        List<Long> received = new ArrayList<>();
        int held = 0;
        for (Attempt attempt : attempts) {
            if (attempt == null) {
                continue;
            }
            if (attempt.status == -1) {
                resets++;
            } else if (attempt.status == 0 || !attempt.headersDone) {
                hangs++;
            } else {
                byStatus.merge(attempt.status, 1, Integer::sum);
                if (attempt.status == 503) {
                    with503++;
                    if (attempt.retryAfter) {
                        retryAfterOn503++;
                    }
                }
                if (attempt.status == 200) {
                    held++;
                    if (attempt.receivedMicros >= 0) {
                        received.add(attempt.receivedMicros);
                    }
                }
            }
        }
        long[] times = received.stream().mapToLong(Long::longValue).sorted().toArray();
        StringBuilder statuses = new StringBuilder("{");
        byStatus.forEach((status, n) -> statuses.append(statuses.length() > 1 ? "," : "").append('"').append(status)
                .append("\":").append(n));
        statuses.append('}');
        String summary = String.format(Locale.ROOT,
                "{\"attempts\":%d,\"byStatus\":%s,\"accepted\":%d,\"refused503\":%d,\"retryAfterOn503\":%d,\"resets\":%d,"
                        + "\"hangs\":%d,\"lastAnswerSeconds\":%.2f,\"heldReceivedBroadcast\":%d,"
                        + "\"broadcastMs\":{\"p50\":%.1f,\"p99\":%.1f,\"max\":%.1f},"
                        + "\"probe\":{\"asked\":%d,\"failed\":%d,\"worstMs\":%.1f}}",
                attempts.length, statuses,
                held, with503, retryAfterOn503, resets, hangs, (lastAnswerNanos - start) / 1e9, times.length,
                pct(times, 50), pct(times, 99), times.length == 0 ? 0 : times[times.length - 1] / 1000.0,
                probe == null ? 0 : probe.asked.get(), probe == null ? 0 : probe.failed.get(),
                probe == null ? 0 : probe.worstMicros.get() / 1000.0);
        System.out.println("RESULT " + summary);
        if (json != null) {
            Files.writeString(Path.of(json), summary);
        }
    }

    private static double pct(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int index = (int) Math.min(sorted.length - 1, Math.ceil(p / 100 * sorted.length) - 1);
        return sorted[Math.max(0, index)] / 1000.0;
    }
}
