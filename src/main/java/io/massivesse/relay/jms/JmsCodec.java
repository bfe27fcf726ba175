package io.massivesse.relay.jms;

import java.util.List;

import jakarta.jms.JMSException;
import jakarta.jms.Message;

import io.massivesse.event.Update;
import io.massivesse.presence.Claim;
import io.massivesse.presence.Handover;
import io.massivesse.presence.OpenedConnection;
import io.massivesse.presence.PresenceQuestion;

/**
 * What a node reads from the events topic: an event ({@link EventMessages}, the public contract) or a
 * node-to-node control message ({@link ControlMessages}), or something it drops and says why.
 */
public final class JmsCodec {

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

    /** Reads a message from the topic; never throws for a malformed one (it is {@link Invalid}). */
    public static Inbound read(Message message) throws JMSException {
        String control = message.getStringProperty(ControlMessages.CONTROL);
        return control != null ? ControlMessages.read(control, message) : EventMessages.read(message);
    }
}
