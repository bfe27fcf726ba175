package io.massivesse.push;

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

    /** The publish time an id of this form carries, or -1 for a publisher's own id. */
    public static long millisOf(String id) {
        if (id == null || id.length() < 19 || id.charAt(13) != '-' || id.charAt(18) != '-') {
            return -1;
        }
        for (int i = 0; i < 13; i++) {
            if (!Character.isDigit(id.charAt(i))) {
                return -1;
            }
        }
        return Long.parseLong(id, 0, 13, 10);
    }
}
