package io.massivesse.relay.jms;

import java.util.Optional;

import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.TextMessage;

import io.massivesse.event.FieldRules;
import io.massivesse.event.Update;

/**
 * The public event message of the topic, the contract enterprise applications publish with: a {@code TextMessage}
 * whose body is the data, with optional string properties {@code sseEvent}, {@code sseId}, and {@code sseUserId}
 * or {@code sseTopic} (neither: a broadcast).
 */
public final class EventMessages {

    public static final String EVENT = "sseEvent";
    public static final String USER_ID = "sseUserId";
    public static final String ID = "sseId";
    public static final String TOPIC = "sseTopic";
    /** Epoch millis when the publishing node accepted the event: the start of relay lag. */
    public static final String PUBLISHED_AT = "ssePublishedAt";
    /** Artemis duplicate detection: a retried publish with the same id is stored once. */
    public static final String DUPLICATE_ID = "_AMQ_DUPL_ID";

    private EventMessages() {
    }

    /** The event as a message: its data as the body, the rest as properties. */
    public static void write(Update update, TextMessage message) throws JMSException {
        message.setText(update.data());
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
     * Reads an event message. Messages from other JMS clients are checked as strictly as a REST publish: no line
     * breaks in names or ids, a valid user id, non-blank data.
     */
    static JmsCodec.Inbound read(Message message) throws JMSException {
        if (!(message instanceof TextMessage text)) {
            return new JmsCodec.Invalid("not a TextMessage: " + message.getClass().getSimpleName());
        }
        String data = text.getText();
        String event = message.getStringProperty(EVENT);
        String userId = message.getStringProperty(USER_ID);
        String id = message.getStringProperty(ID);
        String topic = message.getStringProperty(TOPIC);
        if (userId != null && topic != null) {
            return new JmsCodec.Invalid("a message goes to a user (sseUserId) or to a topic (sseTopic), not both");
        }
        Optional<String> problem = FieldRules.dataProblem(data)
                .or(() -> event == null ? Optional.empty() : FieldRules.eventNameProblem(event).map(p -> EVENT + ": " + p))
                .or(() -> userId == null ? Optional.empty() : FieldRules.userIdProblem(userId).map(p -> USER_ID + ": " + p))
                .or(() -> topic == null ? Optional.empty() : FieldRules.topicProblem(topic).map(p -> TOPIC + ": " + p))
                .or(() -> id == null ? Optional.empty() : FieldRules.idProblem(id).map(p -> ID + ": " + p));
        if (problem.isPresent()) {
            return new JmsCodec.Invalid(problem.get());
        }
        long publishedAt = message.propertyExists(PUBLISHED_AT) ? message.getLongProperty(PUBLISHED_AT)
                : message.getJMSTimestamp();
        // Without an sseId every node derives the same id from the broker's message id, so replay works on any node.
        String eventId = id != null ? id
                : String.format("%013d-jms-%s", publishedAt, message.getJMSMessageID().replaceFirst("^ID:", ""));
        return new JmsCodec.Event(new Update(eventId, event, data, userId, topic, publishedAt));
    }

}
