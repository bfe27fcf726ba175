package io.massivesse.hub;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeMap;

import io.massivesse.event.Topics;
import io.massivesse.event.Update;

/**
 * The node's recent events by stream (the broadcasts, each topic, each user), so a client resumes every stream of
 * its connection from one {@code Last-Event-ID} on any node: each stream keeps its newest events up to its size,
 * none older than the time to live, and a busy stream never pushes a quiet one's events out; only the node-wide
 * byte bound takes the oldest events whatever their stream. Every id is known for the time to live (its position,
 * even after its stream dropped the event), so a reset names exactly the streams that lost events after it.
 * Driven by the caller's clock; not thread-safe: the hub uses it under its dispatch lock.
 */
final class History {

    /** Heap of one known id: the entry, its id, the index's node and queue slots (measured by bench/history-heap.sh). */
    static final long ID_BYTES = 200;
    /** Heap of a kept frame beyond its bytes: the array's header. */
    static final long FRAME_BYTES = 16;
    /** Heap of one stream: its name, its queue and the map's node. */
    static final long STREAM_BYTES = 200;
    /** Events of a prefix's topics a new connection asking for the latest value gets at most, per prefix. */
    static final int LATEST_PER_PREFIX = 1000;
    private static final long SWEEP_MILLIS = 10_000;

    private final HistorySettings settings;
    private final HubMetrics metrics;
    private final HistoryStream broadcasts;
    /** Sorted, so a prefix's topics are one range. */
    private final TreeMap<String, HistoryStream> topics = new TreeMap<>();
    private final Map<String, HistoryStream> users = new HashMap<>();
    private final Map<String, HistoryEntry> byId = new HashMap<>();
    /** Every known id, oldest first. */
    private final ArrayDeque<HistoryEntry> known = new ArrayDeque<>();
    private long nextSeq;
    private long bytes;
    private int events;
    private long sweptAt;

    History(HistorySettings settings, HubMetrics metrics) {
        this.settings = settings;
        this.metrics = metrics;
        this.broadcasts = new HistoryStream("broadcast", null, null, settings.streamSize());
        this.bytes = STREAM_BYTES;
    }

    void append(Update update, byte[] frame, long now) {
        expire(now);
        add(update.id(), update.userId(), update.topic(), frame, now);
    }

    /** Adds an event at the new end; {@code frame} null for an event its stream had dropped (only its id is kept). */
    private void add(String id, String userId, String topic, byte[] frame, long at) {
        // Known already: taken from another node at start and now delivered from this node's durable backlog.
        if (settings.ttlSeconds() == 0 || settings.maxBytes() == 0 || byId.containsKey(id)) {
            return;
        }
        HistoryStream stream = streamOf(userId, topic);
        HistoryEntry entry = new HistoryEntry(nextSeq++, id, at, stream, frame);
        byId.put(entry.id, entry);
        known.addLast(entry);
        bytes += ID_BYTES;
        if (stream.size > 0 && frame != null) {
            stream.kept.addLast(entry);
            bytes += FRAME_BYTES + frame.length;
            events++;
            if (stream.kept.size() > stream.size) {
                drop(stream.kept.peekFirst(), Eviction.SIZE);
            }
        } else {
            entry.frame = null;
            stream.lostAt = entry.seq;
        }
        // The byte bound shortens the whole history from its old end: the oldest event goes, and its id with it.
        while (bytes > settings.maxBytes() && !known.isEmpty()) {
            forget(known.removeFirst(), Eviction.BYTES);
        }
    }

    private HistoryStream streamOf(String userId, String topic) {
        if (topic != null) {
            return topics.computeIfAbsent(topic, name -> created("topic:" + name, null, name, settings.streamSize()));
        }
        if (userId != null) {
            return users.computeIfAbsent(userId, user -> created("user:" + user, user, null, settings.userStreamSize()));
        }
        return broadcasts;
    }

    private HistoryStream created(String name, String userId, String topic, int size) {
        bytes += STREAM_BYTES;
        return new HistoryStream(name, userId, topic, size);
    }

    /** Every known id, oldest first, with its event where its stream still keeps it: what a starting node fills from. */
    List<KeptEvent> export() {
        List<KeptEvent> all = new ArrayList<>(known.size());
        for (HistoryEntry entry : known) {
            all.add(new KeptEvent(entry.id, entry.stream.userId, entry.stream.topic, entry.at, entry.frame));
        }
        return all;
    }

    /**
     * Puts {@code older} (another node's history, oldest first) before what this node received since it started:
     * the history is built again from theirs, then the events of its own that theirs lacks.
     */
    void fill(List<KeptEvent> older, long now) {
        List<KeptEvent> mine = export();
        Set<String> theirs = new HashSet<>(older.size() * 2);
        older.forEach(event -> theirs.add(event.id()));
        topics.clear();
        users.clear();
        byId.clear();
        known.clear();
        broadcasts.kept.clear();
        broadcasts.lostAt = -1;
        bytes = STREAM_BYTES;
        events = 0;
        // Aged as they would have been on arrival, so only the byte bound takes what it would have taken live.
        for (KeptEvent event : older) {
            expire(event.at());
            add(event.id(), event.userId(), event.topic(), event.frame(), event.at());
        }
        for (KeptEvent event : mine) {
            if (!theirs.contains(event.id())) {
                expire(event.at());
                add(event.id(), event.userId(), event.topic(), event.frame(), event.at());
            }
        }
        expire(now);
    }

    /** Takes the event out of its stream, whose oldest kept event it is. */
    private void drop(HistoryEntry entry, Eviction cause) {
        entry.stream.kept.removeFirst();
        entry.stream.lostAt = Math.max(entry.stream.lostAt, entry.seq);
        bytes -= FRAME_BYTES + entry.frame.length;
        entry.frame = null;
        events--;
        metrics.historyEvicted(cause);
    }

    /** The oldest known id goes, and its event if its stream still keeps it (then the oldest that stream keeps). */
    private void forget(HistoryEntry oldest, Eviction cause) {
        if (oldest.frame != null) {
            drop(oldest, cause);
        }
        byId.remove(oldest.id, oldest);
        bytes -= ID_BYTES;
    }

    /** Lets go of what is older than the time to live, and now and then of the streams nothing refers to any more. */
    void expire(long now) {
        long ttl = settings.ttlMillis();
        while (!known.isEmpty() && now - known.peekFirst().at >= ttl) {
            forget(known.removeFirst(), Eviction.TTL);
        }
        if (now - sweptAt >= SWEEP_MILLIS) {
            sweptAt = now;
            // A stream that keeps nothing (its size is 0, or its last event aged out) is still needed while a known
            // id is older than its last loss: a resume from that id must name it.
            long oldestKnown = known.isEmpty() ? nextSeq : known.peekFirst().seq;
            int before = topics.size() + users.size();
            topics.values().removeIf(stream -> stream.kept.isEmpty() && stream.lostAt < oldestKnown);
            users.values().removeIf(stream -> stream.kept.isEmpty() && stream.lostAt < oldestKnown);
            bytes -= (before - topics.size() - users.size()) * STREAM_BYTES;
        }
    }

    /**
     * The events after {@code lastEventId} of the streams a connection of {@code userId} listening to
     * {@code selectors} sees (the broadcasts, its own, its topics'), in publish order, and the streams that dropped
     * some of them. At most the settings' replay bound, the newest: a stream whose older events that leaves out is
     * named as one that lost events. The cost under the dispatch lock is a step per stream the connection sees and
     * a merge of at most the bound's events from the streams' new ends, not a sort of everything they keep.
     */
    Resume after(String lastEventId, String userId, Topics selectors, long now) {
        expire(now);
        HistoryEntry from = byId.get(lastEventId);
        if (from == null) {
            List<String> every = new ArrayList<>();
            every.add(broadcasts.name);
            every.add("user:" + userId);
            selectors.selectors().forEach(selector -> every.add("topic:" + selector));
            return new Resume(ResumeOutcome.UNKNOWN_ID, List.of(), every);
        }
        Set<HistoryStream> seen = new LinkedHashSet<>();
        seen.add(broadcasts);
        HistoryStream own = users.get(userId);
        if (own != null) {
            seen.add(own);
        }
        seen.addAll(topicStreams(selectors, Integer.MAX_VALUE));
        Set<String> lost = new LinkedHashSet<>();
        // Each stream's next event (newest first) after the id: the newest of them all is taken next.
        PriorityQueue<Newest> next = new PriorityQueue<>(Math.max(1, seen.size()),
                Comparator.comparingLong((Newest newest) -> newest.entry.seq).reversed());
        for (HistoryStream stream : seen) {
            if (stream.lostAt > from.seq) {
                lost.add(stream.name);
            }
            Newest newest = new Newest(stream, stream.kept.descendingIterator());
            if (newest.advance(from.seq)) {
                next.add(newest);
            }
        }
        List<HistoryEntry> missed = new ArrayList<>();
        long replayBytes = 0;
        while (!next.isEmpty()) {
            Newest newest = next.poll();
            int length = newest.entry.frame.length;
            if (missed.size() >= settings.replayEvents() || replayBytes + length > settings.replayBytes()) {
                // Past the bound: this stream and every one with an event still to give lose the older ones.
                lost.add(newest.stream.name);
                next.forEach(left -> lost.add(left.stream.name));
                break;
            }
            missed.add(newest.entry);
            replayBytes += length;
            if (newest.advance(from.seq)) {
                next.add(newest);
            }
        }
        Collections.reverse(missed);
        return new Resume(lost.isEmpty() ? ResumeOutcome.COMPLETE : ResumeOutcome.PARTIAL, frames(missed), List.copyOf(lost));
    }

    /** One stream's kept events from its new end, down to a resume's id. */
    private static final class Newest {
        final HistoryStream stream;
        final Iterator<HistoryEntry> older;
        HistoryEntry entry;

        Newest(HistoryStream stream, Iterator<HistoryEntry> older) {
            this.stream = stream;
            this.older = older;
        }

        /** Moves to the next older event after {@code fromSeq}; false when there is none. */
        boolean advance(long fromSeq) {
            if (!older.hasNext()) {
                return false;
            }
            entry = older.next();
            return entry.seq > fromSeq;
        }
    }

    /** The newest kept event of each topic the selectors name (of each topic below a prefix, at most 1,000), in publish order. */
    List<byte[]> latest(Topics selectors, long now) {
        expire(now);
        List<HistoryEntry> newest = new ArrayList<>();
        for (HistoryStream stream : topicStreams(selectors, LATEST_PER_PREFIX)) {
            if (!stream.kept.isEmpty()) {
                newest.add(stream.kept.peekLast());
            }
        }
        newest.sort(Comparator.comparingLong(entry -> entry.seq));
        return frames(newest);
    }

    /** The streams of the topics the selectors name, and of the topics below each prefix (at most {@code perPrefix} each). */
    private Set<HistoryStream> topicStreams(Topics selectors, int perPrefix) {
        if (selectors.isEmpty()) {
            return Collections.emptySet();
        }
        Set<HistoryStream> streams = new LinkedHashSet<>();
        for (String selector : selectors.selectors()) {
            if (!Topics.isPrefix(selector)) {
                HistoryStream stream = topics.get(selector);
                if (stream != null) {
                    streams.add(stream);
                }
                continue;
            }
            String prefix = selector.substring(0, selector.length() - 1);
            int taken = 0;
            for (HistoryStream stream : topics.subMap(prefix, true, prefix + Character.MAX_VALUE, false).values()) {
                if (taken++ == perPrefix) {
                    break;
                }
                streams.add(stream);
            }
        }
        return streams;
    }

    private static List<byte[]> frames(List<HistoryEntry> entries) {
        List<byte[]> frames = new ArrayList<>(entries.size());
        entries.forEach(entry -> frames.add(entry.frame));
        return frames;
    }

    /** Events kept (with their frames). */
    int events() {
        return events;
    }

    /** Ids known: every event of the time to live, kept or not. */
    int ids() {
        return byId.size();
    }

    /** Streams held: the broadcasts, and every topic and user with an event kept or a loss still to report. */
    int streams() {
        return 1 + topics.size() + users.size();
    }

    /** The estimated heap held: frames, plus {@link #ID_BYTES} an id and {@link #STREAM_BYTES} a stream. */
    long bytes() {
        return bytes;
    }
}
