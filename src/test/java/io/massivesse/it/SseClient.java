package io.massivesse.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * A real SSE client for the tests: reads a stream over a real socket and parses it the way
 * the EventSource spec does (fields, multi-line data, comments, end of stream).
 */
public final class SseClient implements AutoCloseable {

    /** One dispatched event, as a browser would see it. */
    public record Event(String id, String event, String data) {
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();

    /** Appended by the reader thread, copied under its lock by the test (a copy-on-write list costs O(n²) here). */
    private final List<Event> events = new ArrayList<>();
    private final List<String> comments = new CopyOnWriteArrayList<>();
    private final List<String> retries = new CopyOnWriteArrayList<>();
    private final HttpResponse<InputStream> response;
    private volatile boolean ended;
    private final Thread reader;

    private SseClient(HttpResponse<InputStream> response) {
        this.response = response;
        this.reader = new Thread(this::read, "sse-test-client");
        reader.setDaemon(true);
        reader.start();
    }

    public static SseClient connect(URI uri) {
        return connect(uri, Map.of());
    }

    /** Connects and waits for the connected frame: the stream is live. */
    public static SseClient connected(URI uri) {
        SseClient client = connect(uri);
        if (client.status() != 200) {
            throw new AssertionError("GET " + uri + " answered " + client.status());
        }
        client.awaitEvent("connected");
        return client;
    }

    public static SseClient connect(URI uri, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).header("Accept", "text/event-stream").GET();
        headers.forEach(request::header);
        try {
            return new SseClient(HTTP.send(request.build(), HttpResponse.BodyHandlers.ofInputStream()));
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("connect " + uri, e);
        }
    }

    public int status() {
        return response.statusCode();
    }

    public String header(String name) {
        return response.headers().firstValue(name).orElse(null);
    }

    public List<Event> events() {
        synchronized (events) {
            return new ArrayList<>(events);
        }
    }

    public int eventCount() {
        synchronized (events) {
            return events.size();
        }
    }

    public List<String> comments() {
        return new ArrayList<>(comments);
    }

    public List<String> retries() {
        return new ArrayList<>(retries);
    }

    /** True once the server ended the stream. */
    public boolean ended() {
        return ended;
    }

    /** Waits until an event of this name has arrived and returns the first one. */
    public Event awaitEvent(String name) {
        await().atMost(20, TimeUnit.SECONDS).until(() -> events().stream().anyMatch(e -> name.equals(e.event())));
        return events().stream().filter(e -> name.equals(e.event())).findFirst().orElseThrow();
    }

    /** Waits until at least {@code count} events have arrived. */
    public List<Event> awaitEvents(int count) {
        await().atMost(20, TimeUnit.SECONDS).until(() -> eventCount() >= count);
        return events();
    }

    private void read() {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            String id = null;
            String event = null;
            StringBuilder data = null;
            String line;
            while ((line = lines.readLine()) != null) {
                if (line.isEmpty()) {
                    if (data != null) {
                        Event dispatched = new Event(id, event == null ? "message" : event, data.toString());
                        synchronized (events) {
                            events.add(dispatched);
                        }
                    }
                    event = null;
                    data = null;
                    continue;
                }
                if (line.startsWith(":")) {
                    comments.add(line.substring(1).trim());
                    continue;
                }
                int colon = line.indexOf(':');
                String field = colon < 0 ? line : line.substring(0, colon);
                String value = colon < 0 ? "" : line.substring(colon + 1);
                if (value.startsWith(" ")) {
                    value = value.substring(1);
                }
                switch (field) {
                    case "id" -> id = value;
                    case "event" -> event = value;
                    case "retry" -> retries.add(value);
                    case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                    default -> { }
                }
            }
        } catch (IOException e) {
            // closed by close() or by the server
        } finally {
            ended = true;
        }
    }

    @Override
    public void close() {
        try {
            response.body().close();
        } catch (IOException ignored) {
            // already closed
        }
    }
}
