package io.massivesse.relay;

import java.util.List;

import io.massivesse.push.Update;

/**
 * Takes an accepted event to every node's hub: {@link JmsPublisher} sends it to the topic that
 * every node's {@link TopicListener} consumes.
 */
public interface Publisher {

    /**
     * Returns once the event is safely on its way (for the relay: the broker accepted it).
     *
     * @throws RelayUnavailableException when the event could not be taken; the caller answers 503
     */
    void publish(Update update) throws RelayUnavailableException;

    /** Tells the other nodes that these users connected here, so they replace the users' older connections. */
    void announceConnections(String nodeId, List<JmsMessages.Opened> connections) throws RelayUnavailableException;

    /** Whether events can be relayed now (for the relay: the broker takes connections). Cheap to call often. */
    boolean isAvailable();
}
