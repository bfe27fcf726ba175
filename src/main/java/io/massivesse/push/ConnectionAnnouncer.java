package io.massivesse.push;

import java.util.logging.Logger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.massivesse.hub.DuplicatePolicy;
import io.massivesse.hub.Hub;
import io.massivesse.hub.Subscriber;
import io.massivesse.relay.Publisher;
import io.massivesse.relay.RelayUnavailableException;

/** Under {@code replace}, tells the other nodes about a new connection so they close the user's older ones. */
@ApplicationScoped
public class ConnectionAnnouncer {

    private static final Logger LOG = Logger.getLogger(ConnectionAnnouncer.class.getName());

    @Inject
    Hub hub;

    @Inject
    Publisher publisher;

    public void announce(Subscriber subscriber) {
        if (hub.settings().duplicatePolicy() != DuplicatePolicy.REPLACE) {
            return;
        }
        try {
            publisher.announceConnection(subscriber.userId(), hub.settings().nodeId(), subscriber.openedAt());
        } catch (RelayUnavailableException e) {
            // The stream works without it; only a duplicate on another node stays open.
            LOG.fine(() -> "could not announce " + subscriber + ": " + e.getMessage());
        }
    }
}
