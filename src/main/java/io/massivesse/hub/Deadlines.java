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

    /** The subscriber's stream ends in the first tick at or after {@code endsAtMillis}. */
    synchronized void add(Subscriber subscriber, long endsAtMillis) {
        long second = -Math.floorDiv(-endsAtMillis, 1000);
        subscriber.endsAtSecond = second;
        bySecond.computeIfAbsent(second, due -> new HashSet<>()).add(subscriber);
    }

    synchronized void remove(Subscriber subscriber) {
        Set<Subscriber> due = bySecond.get(subscriber.endsAtSecond);
        if (due != null && due.remove(subscriber) && due.isEmpty()) {
            bySecond.remove(subscriber.endsAtSecond);
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
