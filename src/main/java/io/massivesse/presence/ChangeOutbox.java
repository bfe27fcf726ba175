package io.massivesse.presence;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

import io.massivesse.relay.RelayUnavailableException;

/**
 * The presence changes this node reported and has not yet got onto the presence topic: kept in order while the
 * broker is away, up to {@link #MAX_UNSENT} (beyond that the oldest go, and a warning says so).
 */
final class ChangeOutbox {

    private static final Logger LOG = Logger.getLogger(ChangeOutbox.class.getName());
    static final int MAX_UNSENT = 200_000;

    private final List<PresenceChange> unsent = new ArrayList<>();

    /** Adds the changes and sends everything unsent, in order; what the broker does not take waits for the next call. */
    synchronized void send(String nodeId, List<PresenceChange> changes, PresenceRelay relay) {
        unsent.addAll(changes);
        if (unsent.size() > MAX_UNSENT) {
            int over = unsent.size() - MAX_UNSENT;
            unsent.subList(0, over).clear();
            LOG.warning("The broker has been away too long: " + over + " presence changes were dropped");
        }
        if (unsent.isEmpty()) {
            return;
        }
        try {
            relay.publish(nodeId, List.copyOf(unsent));
            unsent.clear();
        } catch (RelayUnavailableException | RuntimeException e) {
            LOG.fine(() -> "could not publish " + unsent.size() + " presence changes: " + e.getMessage());
        }
    }
}
