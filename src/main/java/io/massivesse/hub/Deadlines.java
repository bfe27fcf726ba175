package io.massivesse.hub;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * When streams must end (their token expires), in one structure for the whole node: subscribers bucketed by
 * the second they are due, so one tick a second takes every due bucket and a close removes its subscriber at
 * once (a closed stream is not held until its token would have expired).
 */
final class Deadlines {

    private final TreeMap<Long, Set<Subscriber>> bySecond = new TreeMap<>();

    /** The second a stream ending at {@code endsAtMillis} (epoch milliseconds, 0 for never) is due: the first tick at or after it. */
    private static long secondOf(long endsAtMillis) {
        return endsAtMillis <= 0 ? 0 : -Math.floorDiv(-endsAtMillis, 1000);
    }

    /** Files the subscriber under the second its {@link Subscriber#endsAtMillis()} falls in, if it has one. */
    synchronized void add(Subscriber subscriber) {
        if (subscriber.endsAtMillis() > 0) {
            bySecond.computeIfAbsent(secondOf(subscriber.endsAtMillis()), due -> new HashSet<>()).add(subscriber);
        }
    }

    synchronized void remove(Subscriber subscriber) {
        long second = secondOf(subscriber.endsAtMillis());
        Set<Subscriber> due = bySecond.get(second);
        if (due != null && due.remove(subscriber) && due.isEmpty()) {
            bySecond.remove(second);
        }
    }

    /** Takes out every subscriber due at or before {@code nowMillis}. */
    synchronized List<Subscriber> takeDue(long nowMillis) {
        List<Subscriber> due = new ArrayList<>();
        Map<Long, Set<Subscriber>> expired = bySecond.headMap(Math.floorDiv(nowMillis, 1000), true);
        expired.values().forEach(due::addAll);
        expired.clear();
        return due;
    }

    synchronized int size() {
        return bySecond.values().stream().mapToInt(Set::size).sum();
    }
}
