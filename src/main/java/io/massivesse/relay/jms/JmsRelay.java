package io.massivesse.relay.jms;

import java.util.List;

import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSException;
import jakarta.jms.JMSRuntimeException;
import jakarta.jms.Message;
import jakarta.jms.TextMessage;
import jakarta.jms.Topic;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.massivesse.event.Update;
import io.massivesse.relay.OpenedConnection;
import io.massivesse.relay.Relay;
import io.massivesse.relay.RelayUnavailableException;

/** The relay through the Artemis topic every node consumes ({@link TopicListener}). */
@ApplicationScoped
public class JmsRelay implements Relay {

    @Resource(lookup = "jms/sseConnectionFactory")
    ConnectionFactory factory;

    @Resource(lookup = "jms/sseTopic")
    Topic topic;

    @Inject
    BrokerProbe probe;

    /** Events expire on the broker after this: a node away longer, or gone for good, does not pile them up. */
    @Inject
    @ConfigProperty(name = "sse.relay.ttl.seconds")
    long ttlSeconds;

    /** Persistent events survive a broker restart, at the cost of a journal write each. */
    @Inject
    @ConfigProperty(name = "sse.relay.persistent")
    boolean persistent;

    @Override
    public boolean isAvailable() {
        return probe.isUp();
    }

    @Override
    public void publish(Update update) throws RelayUnavailableException {
        send(context -> {
            TextMessage message = context.createTextMessage(update.data());
            JmsCodec.write(update, message);
            return message;
        });
    }

    @Override
    public void announceConnections(String nodeId, List<OpenedConnection> connections) throws RelayUnavailableException {
        send(context -> {
            TextMessage message = context.createTextMessage();
            JmsCodec.writeConnected(nodeId, connections, message);
            return message;
        });
    }

    @Override
    public void changeSubscriptions(String userId, List<String> added, List<String> removed) throws RelayUnavailableException {
        send(context -> {
            TextMessage message = context.createTextMessage();
            JmsCodec.writeSubscriptions(userId, added, removed, message);
            return message;
        });
    }

    private interface MessageMaker {
        Message make(JMSContext context) throws JMSException;
    }

    private void send(MessageMaker maker) throws RelayUnavailableException {
        try (JMSContext context = factory.createContext()) {
            context.createProducer()
                    .setDeliveryMode(persistent ? DeliveryMode.PERSISTENT : DeliveryMode.NON_PERSISTENT)
                    .setTimeToLive(ttlSeconds * 1000)
                    .send(topic, maker.make(context));
        } catch (JMSRuntimeException | JMSException e) {
            probe.markDown();
            throw new RelayUnavailableException("the message broker is unavailable", e);
        }
    }
}
