package io.massivesse.event;

/**
 * Event ids unique across the cluster and sortable by publish time:
 * {@code <13-digit epoch millis>-<4-digit sequence in that millisecond>-<node id>}.
 * The clock never runs backwards here: ids stay increasing on one node even if the wall clock does.
 */
public final class EventIds {

    private final String nodeId;
    private long lastMillis;
    private int sequence;

    public EventIds(String nodeId) {
        this.nodeId = nodeId;
    }

    public String next() {
        return next(System.currentTimeMillis());
    }

    synchronized String next(long nowMillis) {
        if (nowMillis > lastMillis) {
            lastMillis = nowMillis;
            sequence = 0;
        } else if (++sequence > 9999) {
            // More than 10,000 ids in one millisecond: borrow the next millisecond.
            lastMillis++;
            sequence = 0;
        }
        return String.format("%013d-%04d-%s", lastMillis, sequence, nodeId);
    }
}
