package io.massivesse.it;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's nginx running docker/nginx/sse.conf - the file the compose setup uses - in front of
 * local nodes: only the node list (sse-nodes.conf) and the process settings are the test's own.
 */
public final class LocalNginx implements AutoCloseable {

    /** The port sse.conf listens on. */
    public static final int PORT = 8080;
    /** Held by the test classes that run it: one nginx at a time has the port. */
    public static final String LOCK = "nginx on port 8080";

    private final Process process;

    private LocalNginx(Process process) {
        this.process = process;
    }

    public static URI uri(String path) {
        return URI.create("http://127.0.0.1:" + PORT + path);
    }

    public static LocalNginx start(List<URI> nodes) throws IOException {
        Path dir = Path.of("target/nginx-it").toAbsolutePath();
        Files.createDirectories(dir.resolve("temp"));
        StringBuilder servers = new StringBuilder();
        for (URI node : nodes) {
            servers.append("server ").append(node.getHost()).append(':').append(node.getPort())
                    .append(" max_fails=1 fail_timeout=5s;\n");
        }
        Files.writeString(dir.resolve("sse-nodes.conf"), servers);
        Path sse = Path.of("docker/nginx/sse.conf").toAbsolutePath();
        Files.writeString(dir.resolve("nginx.conf"), String.join("\n",
                "daemon off;",
                "worker_processes 1;",
                "pid " + dir.resolve("nginx.pid") + ";",
                "error_log " + dir.resolve("error.log") + " warn;",
                "events { worker_connections 4096; }",
                "http {",
                "  client_body_temp_path " + dir.resolve("temp/body") + ";",
                "  proxy_temp_path " + dir.resolve("temp/proxy") + ";",
                "  fastcgi_temp_path " + dir.resolve("temp/fastcgi") + ";",
                "  uwsgi_temp_path " + dir.resolve("temp/uwsgi") + ";",
                "  scgi_temp_path " + dir.resolve("temp/scgi") + ";",
                "  include " + sse + ";",
                "}", ""));
        String nginx = Files.isExecutable(Path.of("/usr/sbin/nginx")) ? "/usr/sbin/nginx" : "nginx";
        Process process = new ProcessBuilder(nginx, "-p", dir.toString(), "-c", dir.resolve("nginx.conf").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("nginx.out").toFile()).start();
        LocalNginx started = new LocalNginx(process);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("nginx exited: " + Files.readString(dir.resolve("nginx.out"))
                        + " " + readIfExists(dir.resolve("error.log")));
            }
            try (java.net.Socket probe = new java.net.Socket("127.0.0.1", PORT)) {
                return started;
            } catch (IOException notYet) {
                sleep();
            }
        }
        started.close();
        throw new IllegalStateException("nginx did not listen on " + PORT);
    }

    private static String readIfExists(Path file) throws IOException {
        return Files.exists(file) ? Files.readString(file) : "";
    }

    private static void sleep() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static File log() {
        return Path.of("target/nginx-it/nginx.out").toFile();
    }
}
