package io.massivesse.relay.jms;

import java.util.ArrayList;
import java.util.List;

import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.TextMessage;

import io.massivesse.event.FieldRules;
import io.massivesse.presence.Claim;
import io.massivesse.presence.Handover;
import io.massivesse.presence.OpenedConnection;
import io.massivesse.presence.PresenceQuestion;

/**
 * The node-to-node control messages, on the events topic beside the events: a {@code sseControl} property says
 * which, {@code sseNode} names the sender, and the body holds one line per item, every line checked on reading.
 * Not part of the public contract: only nodes of this service read them.
 */
public final class ControlMessages {

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

    private ControlMessages() {
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
        message.setStringProperty(EventMessages.USER_ID, userId);
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

    /** Reads a control message whose {@code sseControl} is {@code control}. */
    static JmsCodec.Inbound read(String control, Message message) throws JMSException {
        return switch (control) {
            case CONTROL_CONNECTED -> readConnected(message);
            case CONTROL_SUBSCRIPTIONS -> readSubscriptions(message);
            case CONTROL_DISCONNECTED, CONTROL_PRESENT, CONTROL_NODE, CONTROL_STOPPED, CONTROL_QUESTION ->
                    readPresence(control, message);
            default -> new JmsCodec.Invalid("unknown control message '" + control + "'");
        };
    }

    private static JmsCodec.Inbound readConnected(Message message) throws JMSException {
        String node = message.getStringProperty(NODE);
        if (node == null || !(message instanceof TextMessage text) || text.getText() == null) {
            return new JmsCodec.Invalid("a connected message needs sseNode and a text body");
        }
        List<OpenedConnection> connections = new ArrayList<>();
        for (String line : text.getText().split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            OpenedConnection opened = parseOpened(line);
            if (opened == null) {
                return new JmsCodec.Invalid("a connected message has a bad line");
            }
            connections.add(opened);
        }
        return new JmsCodec.Connected(node, connections);
    }

    private static JmsCodec.Inbound readSubscriptions(Message message) throws JMSException {
        String userId = message.getStringProperty(EventMessages.USER_ID);
        if (userId == null || FieldRules.userIdProblem(userId).isPresent() || !(message instanceof TextMessage text)
                || text.getText() == null) {
            return new JmsCodec.Invalid("a subscriptions message needs a valid sseUserId and a text body");
        }
        List<String> added = new ArrayList<>();
        List<String> removed = new ArrayList<>();
        for (String line : text.getText().split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            String selector = line.substring(1);
            if ((line.charAt(0) != '+' && line.charAt(0) != '-') || FieldRules.topicSelectorProblem(selector).isPresent()) {
                return new JmsCodec.Invalid("a subscriptions message has a bad line");
            }
            (line.charAt(0) == '+' ? added : removed).add(selector);
        }
        return new JmsCodec.Subscriptions(userId, added, removed);
    }

    /** The presence control messages; each names its node, and every line is checked before it is used. */
    private static JmsCodec.Inbound readPresence(String control, Message message) throws JMSException {
        String node = message.getStringProperty(NODE);
        if (node == null || FieldRules.userIdProblem(node).isPresent() || !(message instanceof TextMessage text)) {
            return new JmsCodec.Invalid("a " + control + " message needs a valid sseNode and a text body");
        }
        String body = text.getText() == null ? "" : text.getText();
        List<String> lines = body.isEmpty() ? List.of() : List.of(body.split("\n"));
        try {
            return switch (control) {
                case CONTROL_DISCONNECTED -> {
                    lines.forEach(ControlMessages::requireName);
                    yield new JmsCodec.Disconnected(node, lines);
                }
                case CONTROL_PRESENT -> {
                    List<Claim> claims = new ArrayList<>();
                    for (String line : lines) {
                        String[] parts = fields(line, 2);
                        claims.add(new Claim(requireName(parts[1]), requireName(parts[0])));
                    }
                    yield new JmsCodec.Claims(node, claims);
                }
                case CONTROL_NODE -> new JmsCodec.NodeAlive(node);
                case CONTROL_STOPPED -> {
                    List<Handover> departures = new ArrayList<>();
                    for (String line : lines) {
                        String[] parts = fields(line, 5);
                        departures.add(new Handover(requireName(parts[4]), requireName(parts[3]),
                                requireName(parts[2]), Long.parseLong(parts[1]), Long.parseLong(parts[0])));
                    }
                    yield new JmsCodec.NodeStopped(node, departures);
                }
                default -> {
                    String subject = message.getStringProperty(QUESTION);
                    if ("user".equals(subject) && FieldRules.userIdProblem(body).isEmpty()) {
                        yield new JmsCodec.Question(node, PresenceQuestion.user(body));
                    }
                    if ("topic".equals(subject) && FieldRules.topicSelectorProblem(body).isEmpty()) {
                        yield new JmsCodec.Question(node, PresenceQuestion.topic(body));
                    }
                    yield new JmsCodec.Invalid("a presence query needs sseQuestion user or topic and a valid body");
                }
            };
        } catch (IllegalArgumentException e) {
            return new JmsCodec.Invalid("a " + control + " message has a bad line: " + e.getMessage());
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
    }}
