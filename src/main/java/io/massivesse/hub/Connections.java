package io.massivesse.hub;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.logging.Logger;

import io.massivesse.event.SseFrames;

/**
 * This node's open connections by user, and its capacity: who may connect, and whom a new connection displaces
 * under the duplicate policy. The hub adds and removes under its dispatch lock; reads need no lock.
 */
final class Connections {

    private static final Logger LOG = Logger.getLogger(Connections.class.getName());
    private static final Subscriber[] NONE = {};
    /** Shutdown retry hints are picked from this many steps across the spread, encoded once each. */
    private static final int RETRY_STEPS = 32;

    private final HubSettings settings;
    /** Below this many users a walk runs on the calling thread; above, over all cores. */
    private final long parallelThreshold;
    private final ConcurrentHashMap<String, Subscriber[]> byUser = new ConcurrentHashMap<>();
    private final AtomicInteger active = new AtomicInteger();
    private volatile boolean draining;

    Connections(HubSettings settings, long parallelThreshold) {
        this.settings = settings;
        this.parallelThreshold = parallelThreshold;
    }

    /** Takes one connection of this node's capacity, unless the node drains or is full. */
    void admit() {
        if (draining) {
            throw new SubscribeRefusedException(SubscribeRefusedException.Reason.DRAINING,
                    "this node is shutting down; reconnect to another node", 1);
        }
        if (active.incrementAndGet() > settings.maxConnections()) {
            active.decrementAndGet();
            throw new SubscribeRefusedException(SubscribeRefusedException.Reason.AT_CAPACITY,
                    "this node is at its connection capacity (" + settings.maxConnections()
                            + "); retry, possibly on another node", 5);
        }
    }

    /** Gives back a slot {@link #admit()} took; returns the connections still counted. */
    int release() {
        return active.decrementAndGet();
    }

    /**
     * Adds the subscriber to its user's connections and returns the ones it displaces: under
     * {@code replace} all the older ones, under {@code allow} none (or a refusal over the limit).
     */
    Subscriber[] add(Subscriber subscriber) {
        String userId = subscriber.userId();
        if (settings.duplicatePolicy() == DuplicatePolicy.REPLACE) {
            Subscriber[] previous = byUser.put(userId, new Subscriber[] {subscriber});
            return previous == null ? NONE : previous;
        }
        // A refusal thrown here leaves the user's connections as they were.
        byUser.compute(userId, (user, current) -> {
            // Connections that closed and are still on their way out do not count against the limit.
            if (current != null) {
                current = Arrays.stream(current).filter(open -> !open.isClosed()).toArray(Subscriber[]::new);
            }
            if (current == null || current.length == 0) {
                return new Subscriber[] {subscriber};
            }
            if (current.length >= settings.maxConnectionsPerUser()) {
                throw new SubscribeRefusedException(SubscribeRefusedException.Reason.USER_LIMIT, "user " + userId
                        + " already has " + settings.maxConnectionsPerUser() + " connections on this node", null);
            }
            Subscriber[] grown = Arrays.copyOf(current, current.length + 1);
            grown[current.length] = subscriber;
            return grown;
        });
        return NONE;
    }

    /** Takes the subscriber out of its user's connections (a replaced one has left them already). */
    void remove(Subscriber subscriber) {
        byUser.computeIfPresent(subscriber.userId(), (user, current) -> {
            int index = Arrays.asList(current).indexOf(subscriber);
            if (index < 0) {
                return current;
            }
            if (current.length == 1) {
                return null;
            }
            Subscriber[] shrunk = new Subscriber[current.length - 1];
            System.arraycopy(current, 0, shrunk, 0, index);
            System.arraycopy(current, index + 1, shrunk, index, current.length - index - 1);
            return shrunk;
        });
    }

    /** The user's open connections on this node (a snapshot). */
    List<Subscriber> of(String userId) {
        Subscriber[] subscribers = byUser.get(userId);
        return subscribers == null ? List.of() : List.of(subscribers);
    }

    /** Under {@code replace}, the user's connections opened before {@code openedAt} on {@code node} (ties: by node id) end. */
    void replaceOlderThan(String userId, String node, long openedAt) {
        if (settings.duplicatePolicy() != DuplicatePolicy.REPLACE || settings.nodeId().equals(node)) {
            return;
        }
        for (Subscriber subscriber : of(userId)) {
            long mine = subscriber.openedAt();
            if (mine < openedAt || (mine == openedAt && settings.nodeId().compareTo(node) < 0)) {
                subscriber.closeAfter(SseFrames.replaced(userId), CloseReason.REPLACED);
            }
        }
    }

    /** Offers to the user's connections ({@link Subscriber#offer} says what {@code atOnce} means); returns how many took the frame. */
    long offerToUser(String userId, byte[] frame, boolean atOnce) {
        Subscriber[] subscribers = byUser.get(userId);
        return subscribers == null ? 0 : offerAll(subscribers, frame, atOnce);
    }

    /** Offers to every connection, over all cores when there are many; returns how many took the frame. */
    long offerToAll(byte[] frame, boolean atOnce) {
        return byUser.reduceValuesToLong(parallelThreshold, subscribers -> offerAll(subscribers, frame, atOnce), 0L, Long::sum);
    }

    /**
     * Runs the action for every connection, over all cores when there are many (so it must be thread-safe, and
     * must not wait for the dispatch lock: a fan-out holding it may be waiting for those same pool threads).
     */
    void forEachInParallel(Consumer<Subscriber> action) {
        byUser.forEachValue(parallelThreshold, subscribers -> {
            for (Subscriber subscriber : subscribers) {
                action.accept(subscriber);
            }
        });
    }

    int active() {
        return active.get();
    }

    /**
     * Refuses every subscribe from now on, and ends every stream with {@code event: server-shutdown} carrying a
     * {@code retry:} hint spread over {@code [retry, retry + spreadMillis]}. Calling it again ends streams opened
     * in between.
     */
    synchronized void drain(int spreadMillis) {
        draining = true;
        byte[][] goodbyes = new byte[RETRY_STEPS][];
        for (int i = 0; i < RETRY_STEPS; i++) {
            int retry = settings.retryMillis() + (int) ((long) spreadMillis * i / (RETRY_STEPS - 1));
            goodbyes[i] = SseFrames.serverShutdown(settings.nodeId(), retry);
        }
        int before = active.get();
        // One at a time on this thread: a drain is rare, and each close only records a departure.
        byUser.forEachValue(Long.MAX_VALUE, subscribers -> {
            for (Subscriber subscriber : subscribers) {
                subscriber.closeAfter(goodbyes[ThreadLocalRandom.current().nextInt(RETRY_STEPS)], CloseReason.SHUTDOWN);
            }
        });
        if (before > 0) {
            LOG.info("Draining: told " + before + " connections to reconnect elsewhere within "
                    + settings.retryMillis() + "-" + (settings.retryMillis() + spreadMillis) + " ms");
        }
    }

    boolean isDraining() {
        return draining;
    }

    private static long offerAll(Subscriber[] subscribers, byte[] frame, boolean atOnce) {
        long count = 0;
        for (Subscriber subscriber : subscribers) {
            if (subscriber.offer(frame, atOnce)) {
                count++;
            }
        }
        return count;
    }
}
