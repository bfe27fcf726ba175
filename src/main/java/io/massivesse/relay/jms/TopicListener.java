package io.massivesse.relay.jms;

import java.util.List;
import java.util.Set;
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
import io.massivesse.hub.Subscriber;
import io.massivesse.presence.OpenedConnection;
import io.massivesse.presence.Presence;
import io.massivesse.presence.PresenceAnswer;
import io.massivesse.presence.PresenceMetrics;
import io.massivesse.presence.PresenceQuestion;
import io.massivesse.relay.ClusterAnnouncer;
import io.opentelemetry.api.trace.Span;

/**
 * Every node's consumer of the topic (configured by the activation spec
 * {@code massive-sse-service/TopicListener} in server.xml: durable, one session, in order).
 * It hands each event to the hub, which only queues it, so the next message is taken at once;
 * what other nodes say about their connections goes to presence.
 */
@MessageDriven(name = "TopicListener")
// No JTA transaction per message: a delivery is a few queue offers, and an XA round per event would cap throughput.
@TransactionManagement(TransactionManagementType.BEAN)
public class TopicListener implements MessageListener {

    private static final Logger LOG = Logger.getLogger(TopicListener.class.getName());

    @Inject
    Hub hub;

    @Inject
    ClusterAnnouncer announcer;

    @Inject
    JmsRelay relay;

    @Inject
    PresenceMetrics metrics;

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
                    reached = hub.deliver(event.update());
                } finally {
                    EventTraces.fannedOut(span, reached);
                }
                return;
            }
            Presence presence = announcer.presence();
            long now = System.currentTimeMillis();
            if (inbound instanceof JmsCodec.Connected connected) {
                for (OpenedConnection opened : connected.connections()) {
                    // Presence first: a connection replaced here is then known to be online over there.
                    if (presence != null) {
                        presence.connectedElsewhere(connected.node(), opened.userId(), opened.openedAt());
                    }
                    hub.replaceOlderThan(opened.userId(), connected.node(), opened.openedAt());
                }
            } else if (inbound instanceof JmsCodec.Subscriptions change) {
                hub.changeTopics(change.userId(), change.added(), change.removed());
            } else if (inbound instanceof JmsCodec.Question question) {
                answer(message, question.question());
            } else if (inbound instanceof JmsCodec.Invalid invalid) {
                LOG.warning(() -> "Dropped a message from the topic: " + invalid.reason());
            } else if (presence != null) {
                toPresence(presence, inbound, message, now);
            }
        } catch (JMSException | RuntimeException e) {
            // Never throw back into the adapter: a redelivered poison message would stall the topic for this node.
            LOG.log(Level.WARNING, "Dropped an unreadable message from the topic", e);
        }
    }

    /** What the other nodes say about their users and themselves. */
    private static void toPresence(Presence presence, JmsCodec.Inbound inbound, Message message, long now) {
        if (inbound instanceof JmsCodec.Disconnected gone) {
            gone.userIds().forEach(userId -> presence.disconnectedElsewhere(gone.node(), userId));
        } else if (inbound instanceof JmsCodec.Claims claimed) {
            claimed.claims().forEach(claim -> presence.claimedElsewhere(claimed.node(), claim.userId(), claim.reportedNode()));
        } else if (inbound instanceof JmsCodec.NodeAlive alive) {
            presence.nodeHeard(alive.node(), now);
        } else if (inbound instanceof JmsCodec.NodeStopped stopped) {
            presence.nodeStopped(stopped.node(), stopped.departures(), now);
            LOG.info(() -> "Node " + stopped.node() + " stopped and handed over " + stopped.departures().size()
                    + " users (sent " + (now - timestamp(message)) + " ms ago); this node now tracks "
                    + presence.trackedUsers());
        }
    }

    private static long timestamp(Message message) {
        try {
            return message.getJMSTimestamp();
        } catch (JMSException e) {
            return 0;
        }
    }

    private void answer(Message message, PresenceQuestion question) throws JMSException {
        String node = hub.settings().nodeId();
        PresenceAnswer answer;
        if (question.subject() == PresenceQuestion.Subject.USER) {
            List<PresenceAnswer.Connection> connections = hub.connectionsOf(question.value()).stream()
                    .filter(subscriber -> !subscriber.isClosed())
                    .map(TopicListener::connection).toList();
            answer = new PresenceAnswer(node, connections, Set.of());
        } else {
            answer = new PresenceAnswer(node, List.of(), hub.listenersOf(question.value()));
        }
        relay.reply(message, answer);
        metrics.presenceQueryAnswered(question.subject());
    }

    private static PresenceAnswer.Connection connection(Subscriber subscriber) {
        return new PresenceAnswer.Connection(subscriber.openedAt(), subscriber.topics().selectors());
    }
}
