package io.massivesse.hub;

import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;

/**
 * The ids of the last events this node fanned out, so an event the broker hands over again after a consumer's
 * failover is recognised and skipped. Kept apart from the replay window: turning replay off must not turn this
 * off. Not thread-safe: the hub uses it under its dispatch lock.
 */
final class RecentIds {

    /**
     * Far more than the broker redelivers after a failover (the consumer's unacknowledged window, hundreds of
     * events); ~100 bytes an id, the id strings themselves shared with the events.
     */
    static final int DEFAULT_SIZE = 16_384;

    private final int size;
    private final ArrayDeque<String> order = new ArrayDeque<>();
    private final Set<String> ids = new HashSet<>();

    RecentIds(int size) {
        if (size < 1) {
            throw new IllegalArgumentException("size must be at least 1: " + size);
        }
        this.size = size;
    }

    /** Remembers the id; false when it was seen already (among the last {@code size}). */
    boolean add(String id) {
        if (!ids.add(id)) {
            return false;
        }
        order.addLast(id);
        if (order.size() > size) {
            ids.remove(order.removeFirst());
        }
        return true;
    }
}
