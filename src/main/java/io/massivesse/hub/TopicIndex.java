package io.massivesse.hub;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.massivesse.event.Topics;

/**
 * Which connections listen to which topics, so an event for a topic costs O(its subscribers), not
 * O(all connections): exact names in a map, prefixes in a tree of name segments, so finding the
 * prefixes of {@code orders/42/lines} walks two levels, however many prefixes exist. The hub reads and
 * changes it under its dispatch lock only.
 */
final class TopicIndex {

    /** One level of the prefix tree: the subscribers of the prefix ending here, and the longer prefixes below. */
    private static final class Node {
        final Map<String, Node> children = new HashMap<>();
        final ConcurrentHashMap<Subscriber, Boolean> subscribers = new ConcurrentHashMap<>();

        boolean isEmpty() {
            return children.isEmpty() && subscribers.isEmpty();
        }
    }

    /** Subscriber sets are concurrent maps only so that a large one is fanned out over all cores, as a broadcast is. */
    private final Map<String, ConcurrentHashMap<Subscriber, Boolean>> byName = new HashMap<>();
    private final Node prefixes = new Node();
    /** Names and prefixes with at least one subscriber. */
    private int active;
    /** Below this many subscribers a set is offered to on the calling thread; above, over all cores. */
    private final long parallelThreshold;

    TopicIndex(long parallelThreshold) {
        this.parallelThreshold = parallelThreshold;
    }

    void add(Subscriber subscriber, Topics topics) {
        for (String selector : topics.selectors()) {
            Map<Subscriber, Boolean> subscribers = Topics.isPrefix(selector)
                    ? nodeFor(segments(selector)).subscribers
                    : byName.computeIfAbsent(selector, name -> new ConcurrentHashMap<>());
            if (subscribers.isEmpty()) {
                active++;
            }
            subscribers.put(subscriber, Boolean.TRUE);
        }
    }

    void remove(Subscriber subscriber, Topics topics) {
        for (String selector : topics.selectors()) {
            if (Topics.isPrefix(selector)) {
                removeFromPrefix(subscriber, segments(selector));
            } else {
                Map<Subscriber, Boolean> subscribers = byName.get(selector);
                if (subscribers != null && subscribers.remove(subscriber) != null && subscribers.isEmpty()) {
                    byName.remove(selector);
                    active--;
                }
            }
        }
    }

    /**
     * Offers the frame to every subscriber of the topic, once each (a connection may listen to the name
     * and to prefixes of it); returns how many took it.
     */
    long offer(String topic, byte[] frame, boolean atOnce) {
        List<ConcurrentHashMap<Subscriber, Boolean>> matching = matching(topic);
        if (matching.isEmpty()) {
            return 0;
        }
        // The largest set first, whole; each smaller one skips whom an earlier set reached (a connection may
        // listen to the name and to prefixes of it, and takes one copy).
        matching.sort((a, b) -> Integer.compare(b.size(), a.size()));
        long taken = 0;
        for (int i = 0; i < matching.size(); i++) {
            taken += offerOnce(matching.get(i), matching.subList(0, i), frame, atOnce);
        }
        return taken;
    }

    /** The subscriber sets an event for the topic reaches: the name's own, and those of its prefixes. */
    private List<ConcurrentHashMap<Subscriber, Boolean>> matching(String topic) {
        List<ConcurrentHashMap<Subscriber, Boolean>> matching = new ArrayList<>(4);
        ConcurrentHashMap<Subscriber, Boolean> exact = byName.get(topic);
        if (exact != null) {
            matching.add(exact);
        }
        Node node = prefixes;
        int start = 0;
        // A prefix a/b/* reaches names strictly below a/b/: walk the segments before the last one.
        for (int slash = topic.indexOf('/'); slash >= 0 && node != null; slash = topic.indexOf('/', start)) {
            node = node.children.get(topic.substring(start, slash));
            if (node != null && !node.subscribers.isEmpty()) {
                matching.add(node.subscribers);
            }
            start = slash + 1;
        }
        return matching;
    }

    /**
     * One set at a time, each over all cores when it is large: a subscriber stands once in a set, so no two
     * threads see it at once, and the next set starts after this one is done.
     */
    private long offerOnce(ConcurrentHashMap<Subscriber, Boolean> subscribers,
                           List<ConcurrentHashMap<Subscriber, Boolean>> reachedBefore, byte[] frame, boolean atOnce) {
        return subscribers.reduceKeysToLong(parallelThreshold, subscriber -> {
            for (ConcurrentHashMap<Subscriber, Boolean> earlier : reachedBefore) {
                if (earlier.containsKey(subscriber)) {
                    return 0L;
                }
            }
            return subscriber.offer(frame, atOnce) ? 1L : 0L;
        }, 0L, Long::sum);
    }

    /** The users listening to a name (exactly or through a prefix), or to exactly this prefix selector. */
    Set<String> users(String selector) {
        Set<String> users = new HashSet<>();
        if (Topics.isPrefix(selector)) {
            Node node = prefixes;
            for (String segment : segments(selector)) {
                node = node.children.get(segment);
                if (node == null) {
                    return users;
                }
            }
            addOpen(node.subscribers, users);
            return users;
        }
        for (Map<Subscriber, Boolean> subscribers : matching(selector)) {
            addOpen(subscribers, users);
        }
        return users;
    }

    /** A connection that closed a moment ago is listed until its close takes the lock: it is not listening. */
    private static void addOpen(Map<Subscriber, Boolean> subscribers, Set<String> users) {
        subscribers.keySet().forEach(subscriber -> {
            if (!subscriber.isClosed()) {
                users.add(subscriber.userId());
            }
        });
    }

    /** Names and prefixes that at least one connection on this node listens to. */
    int activeTopics() {
        return active;
    }

    /** {@code orders/42/*} → [orders, 42]. */
    private static List<String> segments(String prefixSelector) {
        String path = prefixSelector.substring(0, prefixSelector.length() - Topics.PREFIX_MARK.length());
        return List.of(path.split("/"));
    }

    /** The tree node of a prefix, made (with the levels above it) when it is not there yet. */
    private Node nodeFor(List<String> segments) {
        Node node = prefixes;
        for (String segment : segments) {
            node = node.children.computeIfAbsent(segment, missing -> new Node());
        }
        return node;
    }

    private void removeFromPrefix(Subscriber subscriber, List<String> segments) {
        List<Node> path = new ArrayList<>();
        Node node = prefixes;
        for (String segment : segments) {
            node = node.children.get(segment);
            if (node == null) {
                return;
            }
            path.add(node);
        }
        if (node.subscribers.remove(subscriber) == null) {
            return;
        }
        if (node.subscribers.isEmpty()) {
            active--;
        }
        // Prune the levels nobody needs any more, deepest first.
        for (int depth = path.size() - 1; depth >= 0 && path.get(depth).isEmpty(); depth--) {
            Node parent = depth == 0 ? prefixes : path.get(depth - 1);
            parent.children.remove(segments.get(depth));
        }
    }
}
