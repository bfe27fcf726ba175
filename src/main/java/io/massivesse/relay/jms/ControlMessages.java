package io.massivesse.relay.jms;

import java.util.ArrayList;
import java.util.List;

import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.TextMessage;

import io.massivesse.event.FieldRules;
import io.massivesse.presence.PresenceQuestion;
import io.massivesse.relay.ControlMessage;

/**
 * The messages nodes send each other on the events topic beside the events: a {@code sseControl} property says
 * which, and the body holds one line per item. A {@link ControlMessage} names its node in {@code sseNode}; a
 * subscription change names its user in {@code sseUserId}; a presence question its subject in {@code sseQuestion}.
 * Not part of the public contract: only nodes of this service read them.
 */
public final class ControlMessages {

    /** Marks a node-to-node message; its value says which. */
    public static final String CONTROL = "sseControl";
    public static final String NODE = "sseNode";
    public static final String SUBSCRIPTIONS = "subscriptions";
    public static final String QUESTION_KIND = "presence-query";
    /** A presence question's subject: {@code user} or {@code topic}; the body is the user id or topic. */
    public static final String QUESTION = "sseQuestion";

    private ControlMessages() {
    }

    public static void write(ControlMessage control, TextMessage message) throws JMSException {
        message.setStringProperty(CONTROL, control.kind());
        message.setStringProperty(NODE, control.node());
        message.setText(control.body());
    }

    /** A subscription change, one {@code +selector} or {@code -selector} line each. */
    public static void writeSubscriptions(String userId, List<String> added, List<String> removed, TextMessage message)
            throws JMSException {
        message.setStringProperty(CONTROL, SUBSCRIPTIONS);
        message.setStringProperty(EventMessages.USER_ID, userId);
        StringBuilder lines = new StringBuilder();
        added.forEach(selector -> lines.append('+').append(selector).append('\n'));
        removed.forEach(selector -> lines.append('-').append(selector).append('\n'));
        message.setText(lines.toString());
    }

    public static void writeQuestion(String node, PresenceQuestion question, TextMessage message) throws JMSException {
        message.setStringProperty(CONTROL, QUESTION_KIND);
        message.setStringProperty(NODE, node);
        message.setStringProperty(QUESTION, question.subject() == PresenceQuestion.Subject.USER ? "user" : "topic");
        message.setText(question.value());
    }

    /** Reads a message whose {@code sseControl} is {@code kind}. */
    static JmsCodec.Inbound read(String kind, Message message) throws JMSException {
        String body = message instanceof TextMessage text ? (text.getText() == null ? "" : text.getText()) : null;
        if (SUBSCRIPTIONS.equals(kind)) {
            return readSubscriptions(message.getStringProperty(EventMessages.USER_ID), body);
        }
        if (HistoryMessages.OFFER.equals(kind) || HistoryMessages.SEND.equals(kind)) {
            return HistoryMessages.readRequest(kind, message);
        }
        if (QUESTION_KIND.equals(kind)) {
            return readQuestion(message.getStringProperty(NODE), message.getStringProperty(QUESTION), body);
        }
        try {
            return new JmsCodec.Control(ControlMessage.read(kind, message.getStringProperty(NODE), body));
        } catch (IllegalArgumentException e) {
            return new JmsCodec.Invalid(e.getMessage());
        }
    }

    private static JmsCodec.Inbound readSubscriptions(String userId, String body) {
        if (userId == null || FieldRules.userIdProblem(userId).isPresent() || body == null) {
            return new JmsCodec.Invalid("a subscriptions message needs a valid sseUserId and a text body");
        }
        List<String> added = new ArrayList<>();
        List<String> removed = new ArrayList<>();
        for (String line : body.split("\n")) {
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

    private static JmsCodec.Inbound readQuestion(String node, String subject, String body) {
        if (node != null && FieldRules.userIdProblem(node).isEmpty() && body != null) {
            if ("user".equals(subject) && FieldRules.userIdProblem(body).isEmpty()) {
                return new JmsCodec.Question(node, PresenceQuestion.user(body));
            }
            if ("topic".equals(subject) && FieldRules.topicSelectorProblem(body).isEmpty()) {
                return new JmsCodec.Question(node, PresenceQuestion.topic(body));
            }
        }
        return new JmsCodec.Invalid("a presence query needs sseNode, sseQuestion user or topic and a valid body");
    }
}
