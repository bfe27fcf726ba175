package io.massivesse.relay.jms;

import java.util.List;

import jakarta.jms.JMSException;
import jakarta.jms.Message;

import io.massivesse.event.Update;
import io.massivesse.presence.PresenceQuestion;
import io.massivesse.relay.ControlMessage;

/**
 * What a node reads from the events topic: an event ({@link EventMessages}, the public contract), a subscription
 * change, a node's control message or a presence question ({@link ControlMessages}), a request for history
 * ({@link HistoryMessages}), or something it drops and
 * says why.
 */
public final class JmsCodec {

    private JmsCodec() {
    }

    /** What a node does with one message from the topic. */
    public sealed interface Inbound permits Event, Subscriptions, Control, Question, HistoryRequest, Invalid {
    }

    public record Event(Update update) implements Inbound {
    }

    /** Topics to add to and remove from the user's open connections, on every node. */
    public record Subscriptions(String userId, List<String> added, List<String> removed) implements Inbound {
    }

    /** What another node says about its connections and itself. */
    public record Control(ControlMessage message) implements Inbound {
    }

    /** A presence question, to be answered to {@code message.getJMSReplyTo()}. */
    public record Question(String node, PresenceQuestion question) implements Inbound {
    }

    /** A starting node asks for offers of history ({@code to} null), or for the history of node {@code to}. */
    public record HistoryRequest(String node, String to) implements Inbound {
    }

    public record Invalid(String reason) implements Inbound {
    }

    /** Reads a message from the topic; never throws for a malformed one (it is {@link Invalid}). */
    public static Inbound read(Message message) throws JMSException {
        String control = message.getStringProperty(ControlMessages.CONTROL);
        return control != null ? ControlMessages.read(control, message) : EventMessages.read(message);
    }
}
