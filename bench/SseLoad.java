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
 * Opens many SSE connections from one process with one NIO selector thread and holds them:
 * the load client for "connections held" (docs/BENCHMARKS.md). Single file, no dependencies:
 *
 *   java bench/SseLoad.java --nodes http://127.0.0.1:9080 --connections 10000 --rate 1000 --hold 60
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
        long events;
        long pings;

        Connection(String userId, String host, String path) {
            this.userId = userId;
            this.request = ByteBuffer.wrap(("GET " + path + userId + " HTTP/1.1\r\nHost: " + host
                    + "\r\nAccept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        }
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
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--nodes" -> nodes.addAll(List.of(args[++i].split(",")));
                case "--connections" -> connections = Integer.parseInt(args[++i]);
                case "--rate" -> rate = Integer.parseInt(args[++i]);
                case "--hold" -> holdSeconds = Integer.parseInt(args[++i]);
                case "--user-prefix" -> prefix = args[++i];
                case "--user-offset" -> offset = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (nodes.isEmpty()) {
            nodes.add("http://127.0.0.1:9080");
        }
        new SseLoad().run(nodes, connections, rate, holdSeconds, prefix, offset);
    }

    private void run(List<String> nodes, int total, int rate, int holdSeconds, String prefix, int offset) throws IOException {
        Selector selector = Selector.open();
        ByteBuffer readBuffer = ByteBuffer.allocateDirect(64 * 1024);
        long start = System.nanoTime();
        long rampNanos = (long) (total * 1e9 / rate);
        long deadline = start + rampNanos + holdSeconds * 1_000_000_000L + 30_000_000_000L;
        long holdUntil = Long.MAX_VALUE;
        long nextReport = start + 5_000_000_000L;
        int started = 0;
        while (System.nanoTime() < Math.min(deadline, holdUntil)) {
            long now = System.nanoTime();
            int due = (int) Math.min(total, (now - start) * rate / 1_000_000_000L + 1);
            while (started < due) {
                URI node = URI.create(nodes.get(started % nodes.size()));
                Connection connection = new Connection(prefix + (offset + started), node.getHost() + ":" + node.getPort(),
                        "/sse/connect/");
                started++;
                try {
                    SocketChannel channel = SocketChannel.open();
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
                System.out.printf("t=%5.1fs open=%d connected=%d failed=%d closed-by-server=%d events=%d pings=%d%n",
                        (System.nanoTime() - start) / 1e9, open, connectedCount, failed, closedByServer, events, pings);
            }
        }
        System.out.printf("RESULT connections=%d connected=%d failed=%d closed-by-server=%d open-at-end=%d events=%d pings=%d%n",
                total, connectedCount, failed, closedByServer, open, events, pings);
        failures.stream().limit(10).forEach(f -> System.out.println("  failure: " + f));
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
                    key.interestOps(SelectionKey.OP_READ);
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
        } catch (IOException e) {
            close(key, connection, e.toString());
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
            } else if (line.equals("event: connected")) {
                connection.connected = true;
                connectedCount++;
            } else if (line.startsWith(": ping")) {
                connection.pings++;
                pings++;
            } else if (line.startsWith("id: ")) {
                connection.events++;
                events++;
            }
        }
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
