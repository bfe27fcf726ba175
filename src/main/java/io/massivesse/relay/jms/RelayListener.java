package io.massivesse.relay.jms;

import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.ejb.MessageDriven;
import jakarta.ejb.TransactionManagement;
import jakarta.ejb.TransactionManagementType;
import jakarta.inject.Inject;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageListener;

import io.massivesse.hub.EventHandler;
import io.massivesse.presence.PresenceAnswer;
import io.massivesse.presence.QuestionHandler;
import io.massivesse.relay.ControlHandler;
import io.massivesse.relay.RelayUnavailableException;
import io.opentelemetry.api.trace.Span;

/**
 * Every node's consumer of the events topic (configured by the activation spec
 * {@code massive-sse-service/RelayListener} in server.xml: durable, one session, in order). It decodes each message
 * and hands it on: events and subscription changes to the hub, which only queues them, so the next message is
 * taken at once; control messages to the cluster's handler; presence questions to the answering side, whose answer
 * goes back to the asker's reply queue; requests for history to the history relay.
 */
@MessageDriven(name = "RelayListener")
// No JTA transaction per message: a delivery is a few queue offers, and an XA round per event would cap throughput.
@TransactionManagement(TransactionManagementType.BEAN)
public class RelayListener implements MessageListener {

    private static final Logger LOG = Logger.getLogger(RelayListener.class.getName());

    @Inject
    EventHandler events;

    @Inject
    ControlHandler control;

    @Inject
    QuestionHandler questions;

    @Inject
    Broker broker;

    @Inject
    JmsHistoryRelay history;

    @Inject
    EventTraces traces;

    @Override
    public void onMessage(Message message) {
        try {
            JmsCodec.Inbound inbound = JmsCodec.read(message);
            if (inbound instanceof JmsCodec.Event event) {
                // The hot path: nothing else to look up for an event.
                Span span = traces.startFanOut(message, event.update());
                long reached = 0;
                try {
                    reached = events.deliver(event.update());
                } finally {
                    EventTraces.fannedOut(span, reached);
                }
            } else if (inbound instanceof JmsCodec.Subscriptions change) {
                events.changeTopics(change.userId(), change.added(), change.removed());
            } else if (inbound instanceof JmsCodec.Control received) {
                control.onControl(received.message());
            } else if (inbound instanceof JmsCodec.Question question && message.getJMSReplyTo() != null) {
                PresenceAnswer answer = questions.answer(question.question());
                broker.send(message.getJMSReplyTo(), DeliveryMode.NON_PERSISTENT, 0,
                        reply -> reply.setText(PresenceMessages.answer(answer)));
            } else if (inbound instanceof JmsCodec.HistoryRequest asked && message.getJMSReplyTo() != null) {
                history.answer(asked, message.getJMSReplyTo());
            } else if (inbound instanceof JmsCodec.Invalid invalid) {
                LOG.warning(() -> "Dropped a message from the topic: " + invalid.reason());
            }
        } catch (JMSException | RelayUnavailableException | RuntimeException e) {
            // Never throw back into the adapter: a redelivered poison message would stall the topic for this node.
            LOG.log(Level.WARNING, "Dropped an unreadable message from the topic", e);
        }
    }
}
