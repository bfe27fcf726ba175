package io.massivesse.presence;

import java.util.List;
import java.util.Set;

import io.massivesse.relay.RelayUnavailableException;

/**
 * Presence through the broker: changes to the presence topic enterprise applications consume, and questions every
 * node answers for its own connections (through its {@link QuestionHandler}). The implementation is in
 * {@code relay.jms}.
 */
public interface PresenceRelay {

    /** Sends changes to the presence topic, in order. */
    void publish(String nodeId, List<PresenceChange> changes) throws RelayUnavailableException;

    /**
     * Asks every node the question and collects the answers that arrive within the timeout, stopping early once
     * every one of {@code expected} has answered.
     */
    List<PresenceAnswer> ask(PresenceQuestion question, Set<String> expected, long timeoutMillis)
            throws RelayUnavailableException;
}
