package io.massivesse.event;

import java.nio.charset.StandardCharsets;
import java.util.List;

import jakarta.json.JsonObjectBuilder;
import jakarta.json.spi.JsonProvider;

/**
 * Every frame a subscriber can receive, encoded once as bytes every connection can share:
 * data events, the heartbeat, and the control events (connected, reset, replaced,
 * server-shutdown). Names and ids are checked at publish time ({@link FieldRules}); data is
 * split here, so a payload can never end an event early or inject a field.
 */
public final class SseFrames {

    /** Looked up once: Json's static methods look the provider up again on every call, which showed in profiles. */
    private static final JsonProvider JSON = JsonProvider.provider();

    /** Comment line that keeps idle streams (and the proxies in front of them) alive. */
    public static final byte[] PING = ": ping\n\n".getBytes(StandardCharsets.US_ASCII);

    private SseFrames() {
    }

    public static byte[] event(Update update) {
        StringBuilder frame = new StringBuilder(update.data().length() + 64);
        if (update.id() != null) {
            frame.append("id: ").append(update.id()).append('\n');
        }
        if (update.event() != null && !update.event().equals("message")) {
            frame.append("event: ").append(update.event()).append('\n');
        }
        appendData(frame, update.data());
        return frame.append('\n').toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The first frame of every stream: the client is live, and how long to wait before a reconnect.
     * Lists the connection's topics when it has any.
     */
    public static byte[] connected(String userId, String node, Topics topics, int retryMillis) {
        JsonObjectBuilder data = JSON.createObjectBuilder().add("userId", userId).add("node", node);
        if (!topics.isEmpty()) {
            data.add("topics", JSON.createArrayBuilder(topics.selectors()));
        }
        return control("connected", data.build().toString(), retryMillis);
    }

    /**
     * Some streams of the connection cannot cover the gap since {@code lastEventId} (it is too old, or unknown
     * here): the client reloads the state of those, named {@code broadcast}, {@code user:<id>},
     * {@code topic:<name>}; what the others missed follows.
     */
    public static byte[] reset(String lastEventId, List<String> lost) {
        String data = JSON.createObjectBuilder().add("lost", JSON.createArrayBuilder(lost)).add("after", lastEventId)
                .add("reason", "these streams dropped events after the id, or the id is unknown here; reload their state")
                .build().toString();
        return control("reset", data, null);
    }

    /** The last frame of a connection that a newer one of the same user replaced. */
    public static byte[] replaced(String userId) {
        return control("replaced", json("userId", userId, "reason", "a newer connection of this user replaced this one"), null);
    }

    /**
     * The last frame of a stream whose token expired: the client reconnects with a fresh token and
     * its Last-Event-ID, and misses nothing. No retry hint: a new token is the client's to fetch first.
     */
    public static byte[] tokenExpired(String userId) {
        return control("token-expired", json("userId", userId,
                "reason", "the stream's token expired; reconnect with a new token and Last-Event-ID"), null);
    }

    /** The last frame before a node stops: reconnect, after this many milliseconds, to another node. */
    public static byte[] serverShutdown(String node, int retryMillis) {
        return control("server-shutdown", json("node", node), retryMillis);
    }

    /**
     * Only a reconnect delay: no event is dispatched (no data), the client's next reconnect waits this long. The last
     * frame of a stream that overflowed, so its client resumes, with the others that overflowed with it, spread out.
     */
    public static byte[] retry(int millis) {
        return ("retry: " + millis + "\n\n").getBytes(StandardCharsets.UTF_8);
    }

    static byte[] control(String event, String jsonData, Integer retryMillis) {
        StringBuilder frame = new StringBuilder(64 + jsonData.length());
        if (retryMillis != null) {
            frame.append("retry: ").append(retryMillis).append('\n');
        }
        frame.append("event: ").append(event).append('\n');
        appendData(frame, jsonData);
        return frame.append('\n').toString().getBytes(StandardCharsets.UTF_8);
    }

    /** One {@code data:} line per line of the payload; CR, LF and CRLF all end a line (as the SSE parser sees them). */
    static void appendData(StringBuilder frame, String data) {
        int start = 0;
        int length = data.length();
        for (int i = 0; i < length; i++) {
            char c = data.charAt(i);
            if (c == '\r' || c == '\n') {
                frame.append("data: ").append(data, start, i).append('\n');
                if (c == '\r' && i + 1 < length && data.charAt(i + 1) == '\n') {
                    i++;
                }
                start = i + 1;
            }
        }
        frame.append("data: ").append(data, start, length).append('\n');
    }

    /** A flat JSON object of string fields, in the given order. */
    private static String json(String... namesAndValues) {
        JsonObjectBuilder object = JSON.createObjectBuilder();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            object.add(namesAndValues[i], namesAndValues[i + 1]);
        }
        return object.build().toString();
    }
}
