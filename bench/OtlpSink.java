import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

import com.sun.net.httpserver.HttpServer;

/**
 * Stands in for an OpenTelemetry Collector in bench/traces.sh: takes OTLP/HTTP exports on the port given,
 * answers 200, and writes how many requests and bytes came, for each path, to the file given on exit.
 * It does not decode them: what is measured is the node's cost of making and sending spans.
 *   java bench/OtlpSink.java PORT REPORT_FILE
 */
public class OtlpSink {

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        Path report = Path.of(args[1]);
        AtomicLong traces = new AtomicLong();
        AtomicLong bytes = new AtomicLong();
        AtomicLong other = new AtomicLong();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 50);
        server.createContext("/", exchange -> {
            try (exchange; InputStream body = exchange.getRequestBody()) {
                long read = body.readAllBytes().length;
                if ("/v1/traces".equals(exchange.getRequestURI().getPath())) {
                    traces.incrementAndGet();
                    bytes.addAndGet(read);
                } else {
                    other.incrementAndGet();
                }
                exchange.sendResponseHeaders(200, -1);
            }
        });
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.stop(0);
            try {
                Files.writeString(report, "OTLP sink: " + traces.get() + " trace exports, " + bytes.get()
                        + " bytes; other exports: " + other.get() + "\n");
            } catch (Exception e) {
                e.printStackTrace();
            }
        }));
        server.start();
        System.out.println("OTLP sink on http://127.0.0.1:" + port);
        Thread.currentThread().join();
    }
}
