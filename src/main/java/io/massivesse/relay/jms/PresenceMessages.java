package io.massivesse.relay.jms;

import java.io.StringReader;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;

import io.massivesse.presence.PresenceAnswer;
import io.massivesse.presence.PresenceChange;

/**
 * Presence as JSON: the public message of the presence topic enterprise applications consume, and a node's
 * answer to a presence query (the reply to the question's temporary queue).
 */
public final class PresenceMessages {

    /** Looked up once: Json's static methods look the provider up again on every call, which showed in profiles. */
    private static final JsonProvider JSON = JsonProvider.provider();

    private PresenceMessages() {
    }

    /** A node's answer to a presence query, as the JSON text of the reply. */
    public static String answer(PresenceAnswer answer) {
        JsonArrayBuilder connections = JSON.createArrayBuilder();
        for (PresenceAnswer.Connection connection : answer.connections()) {
            connections.add(JSON.createObjectBuilder().add("since", connection.since())
                    .add("topics", JSON.createArrayBuilder(connection.topics())));
        }
        return JSON.createObjectBuilder().add("node", answer.node()).add("connections", connections)
                .add("users", JSON.createArrayBuilder(answer.users())).build().toString();
    }

    public static PresenceAnswer readAnswer(String json) {
        JsonObject object = JSON.createReader(new StringReader(json)).readObject();
        List<PresenceAnswer.Connection> connections = new ArrayList<>();
        for (JsonValue value : object.getJsonArray("connections")) {
            JsonObject connection = value.asJsonObject();
            connections.add(new PresenceAnswer.Connection(connection.getJsonNumber("since").longValue(),
                    strings(connection.getJsonArray("topics"))));
        }
        return new PresenceAnswer(object.getString("node"), connections,
                new LinkedHashSet<>(strings(object.getJsonArray("users"))));
    }

    private static List<String> strings(List<JsonValue> values) {
        return values.stream().map(value -> ((JsonString) value).getString()).toList();
    }

    /**
     * The body of a message on the presence topic: {@code {"node": <sender>, "changes": [...]}}, each change
     * with {@code type} (online, offline, node-up, node-down), {@code node}, {@code at} (ISO-8601) and, by
     * type, {@code userId}, {@code topics}, {@code reason}.
     */
    public static String presence(String node, List<PresenceChange> changes) {
        JsonArrayBuilder array = JSON.createArrayBuilder();
        for (PresenceChange change : changes) {
            JsonObjectBuilder object = JSON.createObjectBuilder().add("type", change.kind().wireName());
            if (change.userId() != null) {
                object.add("userId", change.userId());
            }
            object.add("node", change.node());
            if (change.kind() == PresenceChange.Kind.ONLINE) {
                object.add("topics", JSON.createArrayBuilder(change.topics()));
            }
            if (change.reason() != null) {
                object.add("reason", change.reason());
            }
            array.add(object.add("at", Instant.ofEpochMilli(change.at()).toString()));
        }
        return JSON.createObjectBuilder().add("node", node).add("changes", array).build().toString();
    }
}
