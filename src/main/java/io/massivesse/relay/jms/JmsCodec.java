package io.massivesse.relay.jms;

import java.io.StringReader;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;

import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.TextMessage;

import io.massivesse.presence.Claim;
import io.massivesse.presence.Handover;
import io.massivesse.event.FieldRules;
import io.massivesse.event.Update;
import io.massivesse.presence.OpenedConnection;
import io.massivesse.presence.PresenceAnswer;
import io.massivesse.presence.PresenceChange;
import io.massivesse.presence.PresenceQuestion;

/**
 * The JMS message format of the topic (the contract enterprise applications publish with):
 * a {@code TextMessage} whose body is the data, with optional string properties
 * {@code sseEvent}, {@code sseId}, and {@code sseUserId} or {@code sseTopic} (neither: a broadcast).
 * Nodes also send control messages ({@code sseControl}) to each other on the same topic.
 */
public final class JmsCodec {

    /** Looked up once: Json's static methods look the provider up again on every call, which showed in profiles. */
    private static final JsonProvider JSON = JsonProvider.provider();

    public static final String EVENT = "sseEvent";
    public static final String USER_ID = "sseUserId";
    public static final String ID = "sseId";
    public static final String TOPIC = "sseTopic";
    /** Epoch millis when the publishing node accepted the event: the start of relay lag. */
    public static final String PUBLISHED_AT = "ssePublishedAt";
    /** Marks a node-to-node control message; its value says which. */
    public static final String CONTROL = "sseControl";
    public static final String CONTROL_CONNECTED = "connected";
    public static final String CONTROL_SUBSCRIPTIONS = "subscriptions";
    public static final String CONTROL_DISCONNECTED = "disconnected";
    public static final String CONTROL_PRESENT = "present";
    public static final String CONTROL_NODE = "node";
    public static final String CONTROL_STOPPED = "stopped";
    public static final String CONTROL_QUESTION = "presence-query";
    /** A presence query's subject: {@code user} or {@code topic}; the body is the user id or topic. */
    public static final String QUESTION = "sseQuestion";
    public static final String NODE = "sseNode";
    /** Artemis duplicate detection: a retried publish with the same id is stored once. */
    public static final String DUPLICATE_ID = "_AMQ_DUPL_ID";

    private JmsCodec() {
    }

    /** What a node does with one message from the topic. */
    public sealed interface Inbound
            permits Event, Connected, Subscriptions, Disconnected, Claims, NodeAlive, NodeStopped, Question, Invalid {
    }

    public record Event(Update update) implements Inbound {
    }

    /** Users connected on another node: each one's older connections elsewhere are replaced. */
    public record Connected(String node, List<OpenedConnection> connections) implements Inbound {
    }

    /** Topics to add to and remove from the user's open connections, on every node. */
    public record Subscriptions(String userId, List<String> added, List<String> removed) implements Inbound {
    }

    /** The last connections of these users on another node closed. */
    public record Disconnected(String node, List<String> userIds) implements Inbound {
    }

    /** Another node holds (or departs) these users. */
    public record Claims(String node, List<Claim> claims) implements Inbound {
    }

    /** A node's periodic announcement. */
    public record NodeAlive(String node) implements Inbound {
    }

    /** A node stopped on purpose, handing over its departing users. */
    public record NodeStopped(String node, List<Handover> departures) implements Inbound {
    }

    /** A presence query, to be answered to {@code message.getJMSReplyTo()}. */
    public record Question(String node, PresenceQuestion question) implements Inbound {
    }

    public record Invalid(String reason) implements Inbound {
    }

    public static void write(Update update, Message message) throws JMSException {
        message.setStringProperty(ID, update.id());
        message.setStringProperty(DUPLICATE_ID, update.id());
        if (update.event() != null) {
            message.setStringProperty(EVENT, update.event());
        }
        if (update.userId() != null) {
            message.setStringProperty(USER_ID, update.userId());
        }
        if (update.topic() != null) {
            message.setStringProperty(TOPIC, update.topic());
        }
        message.setLongProperty(PUBLISHED_AT, update.publishedAt());
    }

    /**
     * Node-to-node: the connections a node opened in the last moment, one {@code <openedAt> <userId>}
     * line each, so a ramp of thousands of connects costs a few messages, not one per connect.
     */
    public static void writeConnected(String node, List<OpenedConnection> connections, TextMessage message) throws JMSException {
        message.setStringProperty(CONTROL, CONTROL_CONNECTED);
        message.setStringProperty(NODE, node);
        StringBuilder lines = new StringBuilder(connections.size() * 32);
        for (OpenedConnection opened : connections) {
            lines.append(opened.openedAt()).append(' ').append(opened.userId()).append('\n');
        }
        message.setText(lines.toString());
    }

    /** Node-to-node: a subscription change, one {@code +selector} or {@code -selector} line each. */
    public static void writeSubscriptions(String userId, List<String> added, List<String> removed, TextMessage message)
            throws JMSException {
        message.setStringProperty(CONTROL, CONTROL_SUBSCRIPTIONS);
        message.setStringProperty(USER_ID, userId);
        StringBuilder lines = new StringBuilder();
        added.forEach(selector -> lines.append('+').append(selector).append('\n'));
        removed.forEach(selector -> lines.append('-').append(selector).append('\n'));
        message.setText(lines.toString());
    }

    /** Node-to-node: users whose last connection on the node closed, one per line. */
    public static void writeDisconnected(String node, List<String> userIds, TextMessage message) throws JMSException {
        control(message, CONTROL_DISCONNECTED, node);
        message.setText(String.join("\n", userIds));
    }

    /** Node-to-node: {@code <reportedNode> <userId>} lines, the users the node holds. */
    public static void writePresent(String node, List<Claim> claims, TextMessage message) throws JMSException {
        control(message, CONTROL_PRESENT, node);
        StringBuilder lines = new StringBuilder(claims.size() * 24);
        for (Claim claim : claims) {
            lines.append(claim.reportedNode()).append(' ').append(claim.userId()).append('\n');
        }
        message.setText(lines.toString());
    }

    public static void writeNode(String node, TextMessage message) throws JMSException {
        control(message, CONTROL_NODE, node);
    }

    /** Node-to-node: {@code <dueAt> <closedAt> <reason> <reportedNode> <userId>} lines, the users handed over. */
    public static void writeStopped(String node, List<Handover> departures, TextMessage message)
            throws JMSException {
        control(message, CONTROL_STOPPED, node);
        StringBuilder lines = new StringBuilder(departures.size() * 48);
        for (Handover departure : departures) {
            lines.append(departure.dueAt()).append(' ').append(departure.closedAt()).append(' ')
                    .append(departure.reason()).append(' ').append(departure.reportedNode()).append(' ')
                    .append(departure.userId()).append('\n');
        }
        message.setText(lines.toString());
    }

    public static void writeQuestion(String node, PresenceQuestion question, TextMessage message) throws JMSException {
        control(message, CONTROL_QUESTION, node);
        message.setStringProperty(QUESTION, question.subject() == PresenceQuestion.Subject.USER ? "user" : "topic");
        message.setText(question.value());
    }

    private static void control(Message message, String kind, String node) throws JMSException {
        message.setStringProperty(CONTROL, kind);
        message.setStringProperty(NODE, node);
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

    /**
     * Reads a message from the topic. Messages from other JMS clients are checked as strictly as a
     * REST publish: no line breaks in names or ids, a valid user id, non-blank data.
     */
    public static Inbound read(Message message) throws JMSException {
        String control = message.getStringProperty(CONTROL);
        if (control != null) {
            return switch (control) {
                case CONTROL_CONNECTED -> readConnected(message);
                case CONTROL_SUBSCRIPTIONS -> readSubscriptions(message);
                case CONTROL_DISCONNECTED, CONTROL_PRESENT, CONTROL_NODE, CONTROL_STOPPED, CONTROL_QUESTION ->
                        readPresence(control, message);
                default -> new Invalid("unknown control message '" + control + "'");
            };
        }
        if (!(message instanceof TextMessage text)) {
            return new Invalid("not a TextMessage: " + message.getClass().getSimpleName());
        }
        String data = text.getText();
        String event = message.getStringProperty(EVENT);
        String userId = message.getStringProperty(USER_ID);
        String id = message.getStringProperty(ID);
        String topic = message.getStringProperty(TOPIC);
        if (userId != null && topic != null) {
            return new Invalid("a message goes to a user (sseUserId) or to a topic (sseTopic), not both");
        }
        Optional<String> problem = FieldRules.dataProblem(data)
                .or(() -> event == null ? Optional.empty() : FieldRules.eventNameProblem(event).map(p -> EVENT + ": " + p))
                .or(() -> userId == null ? Optional.empty() : FieldRules.userIdProblem(userId).map(p -> USER_ID + ": " + p))
                .or(() -> topic == null ? Optional.empty() : FieldRules.topicProblem(topic).map(p -> TOPIC + ": " + p))
                .or(() -> id == null ? Optional.empty() : FieldRules.idProblem(id).map(p -> ID + ": " + p));
        if (problem.isPresent()) {
            return new Invalid(problem.get());
        }
        long publishedAt = message.propertyExists(PUBLISHED_AT) ? message.getLongProperty(PUBLISHED_AT)
                : message.getJMSTimestamp();
        // Without an sseId every node derives the same id from the broker's message id, so replay works on any node.
        String eventId = id != null ? id
                : String.format("%013d-jms-%s", publishedAt, message.getJMSMessageID().replaceFirst("^ID:", ""));
        return new Event(new Update(eventId, event, data, userId, topic, publishedAt));
    }

    private static Inbound readConnected(Message message) throws JMSException {
        String node = message.getStringProperty(NODE);
        if (node == null || !(message instanceof TextMessage text) || text.getText() == null) {
            return new Invalid("a connected message needs sseNode and a text body");
        }
        List<OpenedConnection> connections = new ArrayList<>();
        for (String line : text.getText().split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            OpenedConnection opened = parseOpened(line);
            if (opened == null) {
                return new Invalid("a connected message has a bad line");
            }
            connections.add(opened);
        }
        return new Connected(node, connections);
    }

    private static Inbound readSubscriptions(Message message) throws JMSException {
        String userId = message.getStringProperty(USER_ID);
        if (userId == null || FieldRules.userIdProblem(userId).isPresent() || !(message instanceof TextMessage text)
                || text.getText() == null) {
            return new Invalid("a subscriptions message needs a valid sseUserId and a text body");
        }
        List<String> added = new ArrayList<>();
        List<String> removed = new ArrayList<>();
        for (String line : text.getText().split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            String selector = line.substring(1);
            if ((line.charAt(0) != '+' && line.charAt(0) != '-') || FieldRules.topicSelectorProblem(selector).isPresent()) {
                return new Invalid("a subscriptions message has a bad line");
            }
            (line.charAt(0) == '+' ? added : removed).add(selector);
        }
        return new Subscriptions(userId, added, removed);
    }

    /** The presence control messages; each names its node, and every line is checked before it is used. */
    private static Inbound readPresence(String control, Message message) throws JMSException {
        String node = message.getStringProperty(NODE);
        if (node == null || FieldRules.userIdProblem(node).isPresent() || !(message instanceof TextMessage text)) {
            return new Invalid("a " + control + " message needs a valid sseNode and a text body");
        }
        String body = text.getText() == null ? "" : text.getText();
        List<String> lines = body.isEmpty() ? List.of() : List.of(body.split("\n"));
        try {
            return switch (control) {
                case CONTROL_DISCONNECTED -> {
                    lines.forEach(JmsCodec::requireName);
                    yield new Disconnected(node, lines);
                }
                case CONTROL_PRESENT -> {
                    List<Claim> claims = new ArrayList<>();
                    for (String line : lines) {
                        String[] parts = fields(line, 2);
                        claims.add(new Claim(requireName(parts[1]), requireName(parts[0])));
                    }
                    yield new Claims(node, claims);
                }
                case CONTROL_NODE -> new NodeAlive(node);
                case CONTROL_STOPPED -> {
                    List<Handover> departures = new ArrayList<>();
                    for (String line : lines) {
                        String[] parts = fields(line, 5);
                        departures.add(new Handover(requireName(parts[4]), requireName(parts[3]),
                                requireName(parts[2]), Long.parseLong(parts[1]), Long.parseLong(parts[0])));
                    }
                    yield new NodeStopped(node, departures);
                }
                default -> {
                    String subject = message.getStringProperty(QUESTION);
                    if ("user".equals(subject) && FieldRules.userIdProblem(body).isEmpty()) {
                        yield new Question(node, PresenceQuestion.user(body));
                    }
                    if ("topic".equals(subject) && FieldRules.topicSelectorProblem(body).isEmpty()) {
                        yield new Question(node, PresenceQuestion.topic(body));
                    }
                    yield new Invalid("a presence query needs sseQuestion user or topic and a valid body");
                }
            };
        } catch (IllegalArgumentException e) {
            return new Invalid("a " + control + " message has a bad line: " + e.getMessage());
        }
    }

    private static String[] fields(String line, int count) {
        String[] parts = line.split(" ", count);
        if (parts.length != count) {
            throw new IllegalArgumentException("expected " + count + " fields");
        }
        return parts;
    }

    /** User ids, node ids and close reasons share one character set, so one check covers each field. */
    private static String requireName(String value) {
        FieldRules.userIdProblem(value).ifPresent(problem -> {
            throw new IllegalArgumentException(problem);
        });
        return value;
    }

    /** {@code <openedAt> <userId>}, or {@code null} when the line is not that. */
    private static OpenedConnection parseOpened(String line) {
        int space = line.indexOf(' ');
        if (space < 1 || FieldRules.userIdProblem(line.substring(space + 1)).isPresent()) {
            return null;
        }
        try {
            return new OpenedConnection(line.substring(space + 1), Long.parseLong(line, 0, space, 10));
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
