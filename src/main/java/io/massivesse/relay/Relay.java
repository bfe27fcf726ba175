package io.massivesse.relay;

import java.util.List;
import java.util.Set;

import io.massivesse.presence.Claim;
import io.massivesse.presence.Handover;
import io.massivesse.event.Update;
import io.massivesse.presence.OpenedConnection;
import io.massivesse.presence.PresenceAnswer;
import io.massivesse.presence.PresenceChange;
import io.massivesse.presence.PresenceQuestion;

/**
 * Takes what one node accepted to every node: events to their hubs, subscription changes to the
 * users' connections wherever they are, and what nodes tell each other about their connections and
 * themselves (for replacing a user's older connections, and for presence). The broker-backed
 * implementation is in {@code relay.jms}.
 */
public interface Relay {

    /**
     * Returns once the event is safely on its way (for the broker: it accepted the event).
     *
     * @throws RelayUnavailableException when the event could not be taken; the publisher retries later
     */
    void publish(Update update) throws RelayUnavailableException;

    /**
     * Tells the other nodes that these users connected on {@code nodeId}: they replace the users' older
     * connections (policy {@code replace}) and claim the users they hold already (presence).
     */
    void announceConnections(String nodeId, List<OpenedConnection> connections) throws RelayUnavailableException;

    /**
     * Changes the topics of the user's connections open at this moment, on every node.
     *
     * @throws RelayUnavailableException when the change could not be taken; the caller retries later
     */
    void changeSubscriptions(String userId, List<String> added, List<String> removed) throws RelayUnavailableException;

    /** Whether events can be relayed now (for the broker: it takes connections). Cheap to call often. */
    boolean isAvailable();

    /** Tells the other nodes that the last connection of these users on {@code nodeId} closed. */
    void announceDisconnected(String nodeId, List<String> userIds) throws RelayUnavailableException;

    /** Answers other nodes' announcements: {@code nodeId} holds (or is departing) these users. */
    void sendClaims(String nodeId, List<Claim> claims) throws RelayUnavailableException;

    /** The node's periodic "still here". */
    void announceNode(String nodeId) throws RelayUnavailableException;

    /** The node stops on purpose, handing over the users whose grace it has not finished. */
    void announceStop(String nodeId, List<Handover> departures) throws RelayUnavailableException;

    /** Sends presence changes to the presence topic enterprise applications consume. */
    void publishPresence(String nodeId, List<PresenceChange> changes) throws RelayUnavailableException;

    /**
     * Asks every node the question and collects the answers that arrive within the timeout, stopping
     * early once every one of {@code expected} has answered.
     */
    List<PresenceAnswer> ask(PresenceQuestion question, Set<String> expected, long timeoutMillis)
            throws RelayUnavailableException;
}
