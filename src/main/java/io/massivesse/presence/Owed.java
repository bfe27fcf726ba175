package io.massivesse.presence;

import java.util.List;

import io.massivesse.relay.Claim;

/**
 * What this node owes since it was last taken: to the other nodes, the users whose last connection here closed
 * and its claims on users they announced; to the presence topic, the changes it reports.
 */
public record Owed(List<String> disconnected, List<Claim> claims, List<PresenceChange> changes) {

    public boolean isEmpty() {
        return disconnected.isEmpty() && claims.isEmpty() && changes.isEmpty();
    }
}
