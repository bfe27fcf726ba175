package io.massivesse.relay.jms;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.massivesse.event.Update;
import io.massivesse.relay.EventRelay;
import io.massivesse.relay.RelayUnavailableException;
import io.opentelemetry.api.trace.Span;

/** Events and subscription changes through the Artemis topic every node consumes ({@link RelayListener}). */
@ApplicationScoped
public class JmsEventRelay implements EventRelay {

    @Inject
    Broker broker;

    @Inject
    BrokerProbe probe;

    @Inject
    EventTraces traces;

    @Override
    public boolean isAvailable() {
        return probe.isUp();
    }

    @Override
    public void publish(Update update) throws RelayUnavailableException {
        Span span = traces.startSend(update);
        try {
            broker.toEvents(message -> {
                EventMessages.write(update, message);
                traces.carry(span, message);
            });
        } catch (RelayUnavailableException e) {
            EventTraces.failed(span, e);
            throw e;
        } finally {
            span.end();
        }
    }

    @Override
    public void changeSubscriptions(String userId, List<String> added, List<String> removed) throws RelayUnavailableException {
        broker.toEvents(message -> ControlMessages.writeSubscriptions(userId, added, removed, message));
    }
}
