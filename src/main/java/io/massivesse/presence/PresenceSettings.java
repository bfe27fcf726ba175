package io.massivesse.presence;

/**
 * How presence behaves on one node.
 *
 * @param nodeId             this node
 * @param graceMillis        a user gone for less than this is not reported offline
 * @param drainReconnectMillis how long a drained client may wait before it reconnects (its retry hint at most):
 *                           a user closed by a drain gets this on top of the grace
 * @param nodeIntervalMillis how often nodes announce themselves; three missed announcements make a node down
 * @param enabled            whether the node keeps presence at all (off: no presence messages, no queries)
 */
public record PresenceSettings(String nodeId, long graceMillis, long drainReconnectMillis, long nodeIntervalMillis,
                               boolean enabled) {

    /** Presence on, with these times. */
    public PresenceSettings(String nodeId, long graceMillis, long drainReconnectMillis, long nodeIntervalMillis) {
        this(nodeId, graceMillis, drainReconnectMillis, nodeIntervalMillis, true);
    }

    /** A node heard of for no longer than this many intervals is taken for down. */
    public static final int MISSED_ANNOUNCEMENTS = 3;

    public long nodeDownMillis() {
        return MISSED_ANNOUNCEMENTS * nodeIntervalMillis;
    }
}
