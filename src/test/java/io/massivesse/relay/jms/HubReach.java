package io.massivesse.relay.jms;

import io.massivesse.hub.Hub;

/** Test-only: a broker-side class that reaches into the hub's state, which ArchitectureTest must flag. */
final class HubReach {

    private HubReach() {
    }

    static int connections(Hub hub) {
        return hub.connectionsOf("alice").size();
    }
}
