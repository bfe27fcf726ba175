package io.massivesse.relay.jms;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.logging.Logger;

import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSException;
import jakarta.jms.JMSRuntimeException;
import jakarta.jms.Message;
import jakarta.jms.TemporaryQueue;
import jakarta.jms.TextMessage;
import jakarta.jms.Topic;

import io.massivesse.presence.PresenceAnswer;
import io.massivesse.presence.PresenceChange;
import io.massivesse.presence.PresenceMetrics;
import io.massivesse.presence.PresenceQuestion;
import io.massivesse.presence.PresenceRelay;
import io.massivesse.relay.RelaySettings;
import io.massivesse.relay.RelayUnavailableException;

/**
 * Presence through Artemis: changes to the presence topic enterprise applications consume, questions on the events
 * topic with a temporary queue for the answers ({@link RelayListener} answers them on every node).
 */
@ApplicationScoped
public class JmsPresenceRelay implements PresenceRelay {

    private static final Logger LOG = Logger.getLogger(JmsPresenceRelay.class.getName());

    /** Presence changes are at most this many to a message, so a node's 15,000 users make a few messages, none huge. */
    static final int CHANGES_PER_MESSAGE = 1_000;

    @Resource(lookup = "jms/ssePresenceTopic")
    Topic presenceTopic;

    @Inject
    Broker broker;

    @Inject
    PresenceMetrics metrics;

    @Inject
    RelaySettings settings;

    /** Persistent and without expiry: a consumer's durable subscription keeps every change, across a broker restart too. */
    @Override
    public void publish(String nodeId, List<PresenceChange> changes) throws RelayUnavailableException {
        for (int from = 0; from < changes.size(); from += CHANGES_PER_MESSAGE) {
            List<PresenceChange> part = changes.subList(from, Math.min(changes.size(), from + CHANGES_PER_MESSAGE));
            broker.send(presenceTopic, DeliveryMode.PERSISTENT, 0, message -> {
                message.setText(PresenceMessages.presence(nodeId, part));
                message.setStringProperty(ControlMessages.NODE, nodeId);
            });
            metrics.presenceMessageSent(part.size());
        }
    }

    /**
     * The question goes on the topic with a temporary queue to reply to, and expires with the timeout:
     * a node that is away never answers a stale question later.
     */
    @Override
    public List<PresenceAnswer> ask(PresenceQuestion question, Set<String> expected, long timeoutMillis)
            throws RelayUnavailableException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
        try (JMSContext context = broker.context()) {
            TemporaryQueue replies = context.createTemporaryQueue();
            try (JMSConsumer consumer = context.createConsumer(replies)) {
                TextMessage message = context.createTextMessage();
                ControlMessages.writeQuestion(settings.nodeId(), question, message);
                message.setJMSReplyTo(replies);
                context.createProducer().setDeliveryMode(DeliveryMode.NON_PERSISTENT).setTimeToLive(timeoutMillis)
                        .send(broker.events(), message);
                return collect(millis -> millis > 0 ? consumer.receive(millis) : null, expected, deadline);
            } finally {
                replies.delete();
            }
        } catch (JMSRuntimeException | JMSException e) {
            throw broker.down(e);
        }
    }

    /** Where the answers to one question arrive: the next within {@code millis}, or null. */
    interface Replies {
        Message receive(long millis) throws JMSException;
    }

    /** The answers that arrive by the deadline (nanoTime), until every expected node has answered. */
    static List<PresenceAnswer> collect(Replies replies, Set<String> expected, long deadlineNanos) throws JMSException {
        List<PresenceAnswer> answers = new ArrayList<>();
        Set<String> waiting = new HashSet<>(expected);
        while (!waiting.isEmpty()) {
            Message reply = replies.receive((deadlineNanos - System.nanoTime()) / 1_000_000);
            if (reply == null) {
                break;
            }
            PresenceAnswer answer = answerIn(reply);
            if (answer != null && (waiting.remove(answer.node()) || !expected.contains(answer.node()))) {
                answers.add(answer);
            }
        }
        return answers;
    }

    /**
     * The answer a reply carries, or null for one that is not an answer (another version's format, a broken
     * client on the queue): it is skipped, and a node that sends nothing else is listed as unreachable.
     */
    private static PresenceAnswer answerIn(Message reply) throws JMSException {
        if (!(reply instanceof TextMessage text) || text.getText() == null) {
            return null;
        }
        try {
            return PresenceMessages.readAnswer(text.getText());
        } catch (RuntimeException malformed) {
            LOG.warning("A presence answer that could not be read was skipped (" + malformed + "): "
                    + text.getText().substring(0, Math.min(200, text.getText().length())));
            return null;
        }
    }
}
