package io.massivesse.relay;

import java.util.List;

import io.massivesse.event.Update;

/**
 * Takes what one node accepted to every node: events to their hubs, and subscription changes to the users'
 * connections wherever they are. The broker-backed implementation is in {@code relay.jms}; what arrives is
 * handed to the hub's {@code EventHandler}.
 */
public interface EventRelay {

    /**
     * Returns once the event is safely on its way (for the broker: it accepted the event).
     *
     * @throws RelayUnavailableException when the event could not be taken; the publisher retries later
     */
    void publish(Update update) throws RelayUnavailableException;

    /**
     * Changes the topics of the user's connections open at this moment, on every node.
     *
     * @throws RelayUnavailableException when the change could not be taken; the caller retries later
     */
    void changeSubscriptions(String userId, List<String> added, List<String> removed)
            throws RelayUnavailableException;

    /** Whether events can be relayed now (for the broker: it takes connections). Cheap to call often. */
    boolean isAvailable();
}
