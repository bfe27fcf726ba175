package io.massivesse.relay.jms;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.jms.DeliveryMode;
import jakarta.jms.Destination;
import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSException;
import jakarta.jms.JMSRuntimeException;
import jakarta.jms.Message;
import jakarta.jms.TemporaryQueue;
import jakarta.jms.TextMessage;

import io.massivesse.hub.HistorySource;
import io.massivesse.hub.KeptEvent;
import io.massivesse.relay.HistoryRelay;
import io.massivesse.relay.RelaySettings;
import io.massivesse.relay.RelayUnavailableException;

/**
 * A node's history through Artemis ({@link HistoryMessages}): a starting node fetches a running node's; every
 * node offers its own, once filled, and sends it to the node that picked it.
 */
@ApplicationScoped
public class JmsHistoryRelay implements HistoryRelay {

    private static final Logger LOG = Logger.getLogger(JmsHistoryRelay.class.getName());
    /** How long a starting node waits for an offer: a node alone in its cluster, or starting with all others, waits this. */
    static final long OFFER_MILLIS = 2000;

    @Inject
    Broker broker;

    @Inject
    RelaySettings settings;

    @Inject
    HistorySource source;

    @Override
    public List<KeptEvent> fetch(long timeoutMillis) throws RelayUnavailableException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
        try (JMSContext context = broker.context()) {
            TemporaryQueue replies = context.createTemporaryQueue();
            try (JMSConsumer consumer = context.createConsumer(replies)) {
                ask(context, HistoryMessages.OFFER, null, replies);
                Message offer = consumer.receive(OFFER_MILLIS);
                if (offer == null) {
                    return List.of();
                }
                String from = offer.getStringProperty(ControlMessages.NODE);
                ask(context, HistoryMessages.SEND, from, replies);
                List<KeptEvent> events = new ArrayList<>();
                for (long left = timeoutMillis; left > 0; left = (deadline - System.nanoTime()) / 1_000_000) {
                    Message reply = consumer.receive(left);
                    if (reply == null) {
                        break;
                    }
                    // Later offers of other nodes are on the queue too.
                    if (from.equals(reply.getStringProperty(ControlMessages.NODE)) && reply instanceof TextMessage part
                            && "part".equals(reply.getStringProperty(HistoryMessages.REPLY))) {
                        events.addAll(HistoryMessages.read(part.getText()));
                        if (reply.getBooleanProperty(HistoryMessages.LAST)) {
                            LOG.info(() -> "Took " + events.size() + " ids of history from node " + from);
                            return events;
                        }
                    }
                }
                // A part missing would leave a silent gap between theirs and ours: better none, and resets.
                LOG.warning("The history of node " + from + " did not arrive whole within " + timeoutMillis
                        + " ms; this node's history starts with what it receives now");
                return List.of();
            } finally {
                replies.delete();
            }
        } catch (JMSRuntimeException | JMSException e) {
            throw broker.down(e);
        }
    }

    private void ask(JMSContext context, String kind, String to, TemporaryQueue replies) throws JMSException {
        TextMessage message = context.createTextMessage("");
        message.setStringProperty(ControlMessages.CONTROL, kind);
        message.setStringProperty(ControlMessages.NODE, settings.nodeId());
        if (to != null) {
            message.setStringProperty(HistoryMessages.TO, to);
        }
        message.setJMSReplyTo(replies);
        context.createProducer().setDeliveryMode(DeliveryMode.NON_PERSISTENT).setTimeToLive(OFFER_MILLIS * 5)
                .send(broker.events(), message);
    }

    /**
     * Another node asks: an offer from a node whose own history is complete, or the history itself when this node
     * was picked, sent from a thread of its own so the topic's next messages are not held up.
     */
    void answer(JmsCodec.HistoryRequest asked, Destination replyTo) throws RelayUnavailableException {
        String self = settings.nodeId();
        if (asked.node().equals(self) || !source.isFilled()) {
            return;
        }
        if (asked.to() == null) {
            broker.send(replyTo, DeliveryMode.NON_PERSISTENT, OFFER_MILLIS * 5, reply -> {
                reply.setStringProperty(ControlMessages.NODE, self);
                reply.setStringProperty(HistoryMessages.REPLY, "offer");
            });
        } else if (asked.to().equals(self)) {
            List<KeptEvent> events = source.keptEvents();
            Thread sender = new Thread(() -> send(events, replyTo, asked.node()), "sse-history-send");
            sender.setDaemon(true);
            sender.start();
        }
    }

    private void send(List<KeptEvent> events, Destination replyTo, String asker) {
        List<String> parts = HistoryMessages.parts(events);
        try {
            for (int i = 0; i < parts.size(); i++) {
                String text = parts.get(i);
                boolean last = i == parts.size() - 1;
                broker.send(replyTo, DeliveryMode.NON_PERSISTENT, 0, reply -> {
                    reply.setStringProperty(ControlMessages.NODE, settings.nodeId());
                    reply.setStringProperty(HistoryMessages.REPLY, "part");
                    reply.setBooleanProperty(HistoryMessages.LAST, last);
                    reply.setText(text);
                });
            }
            LOG.info(() -> "Sent " + events.size() + " ids of history to node " + asker + " in " + parts.size() + " parts");
        } catch (RelayUnavailableException | RuntimeException e) {
            LOG.log(Level.WARNING, "Could not send the history to node " + asker, e);
        }
    }
}
