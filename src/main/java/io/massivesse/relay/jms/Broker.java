package io.massivesse.relay.jms;

import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.DeliveryMode;
import jakarta.jms.Destination;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSException;
import jakarta.jms.JMSRuntimeException;
import jakarta.jms.TextMessage;
import jakarta.jms.Topic;

import io.massivesse.relay.RelaySettings;
import io.massivesse.relay.RelayUnavailableException;

/**
 * Sends text messages through the pooled connection factory of server.xml, for every relay of this package; a
 * failed send marks the broker down for readiness at once.
 */
@ApplicationScoped
public class Broker {

    @Resource(lookup = "jms/sseConnectionFactory")
    ConnectionFactory factory;

    @Resource(lookup = "jms/sseTopic")
    Topic events;

    @Inject
    BrokerProbe probe;

    @Inject
    RelaySettings settings;

    /** Writes body and properties into a fresh text message. */
    interface MessageWriter {
        void write(TextMessage message) throws JMSException;
    }

    /** To the events topic, as the events themselves go: persistent or not as configured, with their time to live. */
    void toEvents(MessageWriter writer) throws RelayUnavailableException {
        send(events, settings.persistent() ? DeliveryMode.PERSISTENT : DeliveryMode.NON_PERSISTENT,
                settings.eventTtlMillis(), writer);
    }

    /** To the events topic, not stored and expiring after {@code ttlMillis}: for what the next message replaces. */
    void toEventsBriefly(long ttlMillis, MessageWriter writer) throws RelayUnavailableException {
        send(events, DeliveryMode.NON_PERSISTENT, ttlMillis, writer);
    }

    void send(Destination to, int deliveryMode, long ttlMillis, MessageWriter writer) throws RelayUnavailableException {
        try (JMSContext context = context()) {
            TextMessage message = context.createTextMessage();
            writer.write(message);
            context.createProducer()
                    .setDeliveryMode(deliveryMode)
                    .setTimeToLive(ttlMillis)
                    .send(to, message);
        } catch (JMSRuntimeException | JMSException e) {
            throw down(e);
        }
    }

    /** A context of its own, for an exchange that is more than one send; the caller closes it. */
    JMSContext context() {
        return factory.createContext();
    }

    /** The topic every node listens to: events, subscription changes, control messages and questions. */
    Topic events() {
        return events;
    }

    /** Marks the broker down for readiness and says so to the caller of the relay. */
    RelayUnavailableException down(Exception cause) {
        probe.markDown();
        return new RelayUnavailableException("the message broker is unavailable", cause);
    }
}
