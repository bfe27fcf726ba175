package io.massivesse.relay.jms;

import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.ejb.MessageDriven;
import jakarta.ejb.TransactionManagement;
import jakarta.ejb.TransactionManagementType;
import jakarta.inject.Inject;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageListener;

import io.massivesse.hub.Hub;
import io.massivesse.relay.OpenedConnection;

/**
 * Every node's consumer of the topic (configured by the activation spec
 * {@code massive-sse-service/TopicListener} in server.xml: durable, one session, in order).
 * It hands each event to the hub, which only queues it, so the next message is taken at once.
 */
@MessageDriven(name = "TopicListener")
// No JTA transaction per message: a delivery is a few queue offers, and an XA round per event would cap throughput.
@TransactionManagement(TransactionManagementType.BEAN)
public class TopicListener implements MessageListener {

    private static final Logger LOG = Logger.getLogger(TopicListener.class.getName());

    @Inject
    Hub hub;

    @Override
    public void onMessage(Message message) {
        try {
            JmsCodec.Inbound inbound = JmsCodec.read(message);
            if (inbound instanceof JmsCodec.Event event) {
                hub.deliver(event.update());
            } else if (inbound instanceof JmsCodec.Connected connected) {
                for (OpenedConnection opened : connected.connections()) {
                    hub.replaceOlderThan(opened.userId(), connected.node(), opened.openedAt());
                }
            } else if (inbound instanceof JmsCodec.Subscriptions change) {
                hub.changeTopics(change.userId(), change.added(), change.removed());
            } else if (inbound instanceof JmsCodec.Invalid invalid) {
                LOG.warning(() -> "Dropped a message from the topic: " + invalid.reason());
            }
        } catch (JMSException | RuntimeException e) {
            // Never throw back into the adapter: a redelivered poison message would stall the topic for this node.
            LOG.log(Level.WARNING, "Dropped an unreadable message from the topic", e);
        }
    }
}
