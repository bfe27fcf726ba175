package io.massivesse.relay.jms;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.massivesse.relay.ControlMessage;
import io.massivesse.relay.ControlRelay;
import io.massivesse.relay.RelaySettings;
import io.massivesse.relay.RelayUnavailableException;

/** Control messages on the events topic, in order with the events; a periodic one is neither stored nor kept long. */
@ApplicationScoped
public class JmsControlRelay implements ControlRelay {

    @Inject
    Broker broker;

    @Inject
    RelaySettings settings;

    @Override
    public void send(ControlMessage control) throws RelayUnavailableException {
        if (control.periodic()) {
            broker.toEventsBriefly(settings.announcementTtlMillis(), message -> ControlMessages.write(control, message));
        } else {
            broker.toEvents(message -> ControlMessages.write(control, message));
        }
    }
}
