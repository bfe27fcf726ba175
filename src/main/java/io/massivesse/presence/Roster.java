package io.massivesse.presence;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The nodes this node has heard from lately, by their periodic announcements: one silent for
 * {@link PresenceSettings#nodeDownMillis()} is down; one that said it stopped leaves at once, and an
 * announcement of its own still on its way does not bring it back. Not thread-safe: presence calls it under its lock.
 */
final class Roster {

    private final String self;
    private final PresenceSettings settings;
    /** Other nodes by when they were last heard (epoch millis). */
    private final Map<String, Long> nodes = new HashMap<>();
    /** Nodes that said they stopped, by when. */
    private final Map<String, Long> stopped = new HashMap<>();
    /** When this node last heard its own announcement back: a node that lags its own consumer declares nobody down. */
    private long selfHeardAt = Long.MIN_VALUE;

    Roster(String self, PresenceSettings settings) {
        this.self = self;
        this.settings = settings;
    }

    /** A node's announcement (this node's own too, as the broker hands it back). */
    void heard(String node, long now) {
        if (node.equals(self)) {
            selfHeardAt = now;
            return;
        }
        Long stoppedAt = stopped.get(node);
        if (stoppedAt != null && now - stoppedAt < settings.nodeDownMillis()) {
            return;
        }
        stopped.remove(node);
        nodes.put(node, now);
    }

    void stopped(String node, long now) {
        nodes.remove(node);
        stopped.put(node, now);
    }

    /** The nodes silent for longer than allowed by {@code now}; each leaves with {@link #remove}. */
    List<String> silent(long now) {
        return nodes.entrySet().stream().filter(node -> now - node.getValue() > settings.nodeDownMillis())
                .map(Map.Entry::getKey).toList();
    }

    void remove(String node) {
        nodes.remove(node);
    }

    /** Whether this node heard its own announcement lately: only then may it say another node is down. */
    boolean selfInTime(long now) {
        return now - selfHeardAt <= 2 * settings.nodeIntervalMillis();
    }

    /** This node and the others heard from lately, in id order. */
    Set<String> live() {
        Set<String> live = new TreeSet<>(nodes.keySet());
        live.add(self);
        return live;
    }

    /** The live node with the lowest id: it reports what the nodes agree one of them reports. */
    String lowestLive() {
        String lowest = self;
        for (String node : nodes.keySet()) {
            if (node.compareTo(lowest) < 0) {
                lowest = node;
            }
        }
        return lowest;
    }
}
