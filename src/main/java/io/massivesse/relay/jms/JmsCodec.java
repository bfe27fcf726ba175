package io.massivesse.relay.jms;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.TextMessage;

import io.massivesse.event.FieldRules;
import io.massivesse.event.Update;
import io.massivesse.relay.OpenedConnection;

/**
 * The JMS message format of the topic (the contract enterprise applications publish with):
 * a {@code TextMessage} whose body is the data, with optional string properties
 * {@code sseEvent}, {@code sseId}, and {@code sseUserId} or {@code sseTopic} (neither: a broadcast).
 * Nodes also send control messages ({@code sseControl}) to each other on the same topic.
 */
public final class JmsCodec {

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
    public static final String NODE = "sseNode";
    /** Artemis duplicate detection: a retried publish with the same id is stored once. */
    public static final String DUPLICATE_ID = "_AMQ_DUPL_ID";

    private JmsCodec() {
    }

    /** What a node does with one message from the topic. */
    public sealed interface Inbound permits Event, Connected, Subscriptions, Invalid {
    }

    public record Event(Update update) implements Inbound {
    }

    /** Users connected on another node: each one's older connections elsewhere are replaced. */
    public record Connected(String node, List<OpenedConnection> connections) implements Inbound {
    }

    /** Topics to add to and remove from the user's open connections, on every node. */
    public record Subscriptions(String userId, List<String> added, List<String> removed) implements Inbound {
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
