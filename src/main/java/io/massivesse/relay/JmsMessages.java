package io.massivesse.relay;

import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.TextMessage;

import io.massivesse.push.Update;

/**
 * The JMS message format of the topic (the contract enterprise applications publish with):
 * a {@code TextMessage} whose body is the data, with optional string properties
 * {@code sseEvent}, {@code sseUserId} and {@code sseId}. Nodes also send control messages
 * ({@code sseControl}) to each other on the same topic.
 */
public final class JmsMessages {

    public static final String EVENT = "sseEvent";
    public static final String USER_ID = "sseUserId";
    public static final String ID = "sseId";
    /** Epoch millis when the publishing node accepted the event: the start of relay lag. */
    public static final String PUBLISHED_AT = "ssePublishedAt";
    /** Marks a node-to-node control message; its value says which. */
    public static final String CONTROL = "sseControl";
    public static final String CONTROL_CONNECTED = "connected";
    public static final String NODE = "sseNode";
    public static final String OPENED_AT = "sseOpenedAt";
    /** Artemis duplicate detection: a retried publish with the same id is stored once. */
    public static final String DUPLICATE_ID = "_AMQ_DUPL_ID";


    private JmsMessages() {
    }

    /** What a node does with one message from the topic. */
    public sealed interface Inbound permits Event, Connected, Invalid {
    }

    public record Event(Update update) implements Inbound {
    }

    /** A user connected on another node at {@code openedAt}: older connections elsewhere are replaced. */
    public record Connected(String userId, String node, long openedAt) implements Inbound {
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
        message.setLongProperty(PUBLISHED_AT, update.publishedAt());
    }

    public static void writeConnected(String userId, String node, long openedAt, Message message) throws JMSException {
        message.setStringProperty(CONTROL, CONTROL_CONNECTED);
        message.setStringProperty(USER_ID, userId);
        message.setStringProperty(NODE, node);
        message.setLongProperty(OPENED_AT, openedAt);
    }

    /**
     * Reads a message from the topic. Messages from other JMS clients are checked as strictly as a
     * REST publish: no line breaks in names or ids, a valid user id, non-blank data.
     */
    public static Inbound read(Message message) throws JMSException {
        String control = message.getStringProperty(CONTROL);
        if (control != null) {
            if (!CONTROL_CONNECTED.equals(control)) {
                return new Invalid("unknown control message '" + control + "'");
            }
            return new Connected(message.getStringProperty(USER_ID), message.getStringProperty(NODE),
                    message.getLongProperty(OPENED_AT));
        }
        if (!(message instanceof TextMessage text)) {
            return new Invalid("not a TextMessage: " + message.getClass().getSimpleName());
        }
        String data = text.getText();
        if (data == null || data.isBlank()) {
            return new Invalid("blank data");
        }
        String event = message.getStringProperty(EVENT);
        if (event != null && !Update.isValidField(event)) {
            return new Invalid("sseEvent is empty, longer than 128, or has CR, LF or NUL");
        }
        String userId = message.getStringProperty(USER_ID);
        if (userId != null && !Update.isValidUserId(userId)) {
            return new Invalid("sseUserId is not a valid user id");
        }
        String id = message.getStringProperty(ID);
        long publishedAt = message.propertyExists(PUBLISHED_AT) ? message.getLongProperty(PUBLISHED_AT)
                : message.getJMSTimestamp();
        if (id == null) {
            // Every node derives the same id from the broker's message id, so replay works on any node.
            id = String.format("%013d-jms-%s", publishedAt, message.getJMSMessageID().replaceFirst("^ID:", ""));
        } else if (!Update.isValidField(id)) {
            return new Invalid("sseId is empty, longer than 128, or has CR, LF or NUL");
        }
        return new Event(new Update(id, event, data, userId, publishedAt));
    }
}
