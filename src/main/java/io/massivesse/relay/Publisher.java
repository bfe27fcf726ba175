package io.massivesse.relay;

import io.massivesse.push.Update;

/**
 * Takes an accepted event to every node's hub. The local publisher delivers straight to this
 * node; the JMS relay sends it to the topic that every node consumes.
 */
public interface Publisher {

    /**
     * Returns once the event is safely on its way (for the relay: the broker accepted it).
     *
     * @throws RelayUnavailableException when the event could not be taken; the caller answers 503
     */
    void publish(Update update) throws RelayUnavailableException;
}
