package io.massivesse.relay;

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

import io.massivesse.push.Update;

/** Publishes events to the Artemis topic every node consumes. */
@ApplicationScoped
public class JmsPublisher implements Publisher {

    @Resource(lookup = "jms/sseConnectionFactory")
    ConnectionFactory factory;

    @Resource(lookup = "jms/sseTopic")
    Topic topic;

    /** Events expire on the broker after this: a node away longer, or gone for good, does not pile them up. */
    @Inject
    @ConfigProperty(name = "sse.relay.ttl.seconds", defaultValue = "60")
    long ttlSeconds;

    /** Persistent events survive a broker restart, at the cost of a journal write each. */
    @Inject
    @ConfigProperty(name = "sse.relay.persistent", defaultValue = "false")
    boolean persistent;

    /** Readiness asks on every probe of every load balancer: the broker is asked at most this often. */
    private static final long PROBE_NANOS = 1_000_000_000L;

    private record Probe(long atNanos, boolean up) {
    }

    private volatile Probe lastProbe;

    @Override
    public boolean isAvailable() {
        long now = System.nanoTime();
        Probe last = lastProbe;
        if (last != null && now - last.atNanos() < PROBE_NANOS) {
            return last.up();
        }
        boolean up;
        // A pooled connection the broker dropped is discarded by the pool, so this opens a real one then.
        try (JMSContext context = factory.createContext()) {
            context.createProducer();
            up = true;
        } catch (JMSRuntimeException e) {
            up = false;
        }
        lastProbe = new Probe(now, up);
        return up;
    }

    @Override
    public void publish(Update update) throws RelayUnavailableException {
        send(context -> {
            TextMessage message = context.createTextMessage(update.data());
            JmsMessages.write(update, message);
            return message;
        });
    }

    @Override
    public void announceConnections(String nodeId, List<JmsMessages.Opened> connections) throws RelayUnavailableException {
        send(context -> {
            TextMessage message = context.createTextMessage();
            JmsMessages.writeConnected(nodeId, connections, message);
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
            lastProbe = new Probe(System.nanoTime(), false);
            throw new RelayUnavailableException("the message broker is unavailable", e);
        }
    }
}
