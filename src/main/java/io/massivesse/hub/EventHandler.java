package io.massivesse.hub;

import java.util.List;

import io.massivesse.event.Update;

/**
 * What the relay hands to this node's connections, from whichever node accepted it: events and subscription
 * changes. Implemented by the hub.
 */
public interface EventHandler {

    /** What {@link #deliver} answers for an event it had fanned out already (a redelivery), which it skips. */
    long REDELIVERED = -1;

    /**
     * Hands an event to every matching local connection. Never blocks on a client.
     *
     * @return the connections whose queue took it, or {@link #REDELIVERED}
     */
    long deliver(Update update);

    /** Adds and removes topics on the user's connections open on this node. */
    void changeTopics(String userId, List<String> added, List<String> removed);
}
