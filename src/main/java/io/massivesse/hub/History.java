package io.massivesse.hub;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import io.massivesse.event.Topics;
import io.massivesse.event.Update;

/**
 * The node's replay window: the last {@code maxEvents} events (and at most {@code maxBytes} of
 * frames), every event the node received, whoever it was for, so a client may resume on any node.
 * Not thread-safe: the hub appends and reads it under its dispatch lock.
 */
final class History {

    private record Entry(long seq, String id, String userId, String topic, byte[] frame) {
    }

    private final int maxEvents;
    private final long maxBytes;
    private final ArrayDeque<Entry> entries = new ArrayDeque<>();
    private final Map<String, Long> seqById = new HashMap<>();
    private long nextSeq;
    private long bytes;

    History(int maxEvents, long maxBytes) {
        this.maxEvents = maxEvents;
        this.maxBytes = maxBytes;
    }

    void append(Update update, byte[] frame) {
        if (maxEvents == 0) {
            return;
        }
        String id = update.id();
        Entry entry = new Entry(nextSeq++, id, update.userId(), update.topic(), frame);
        entries.addLast(entry);
        seqById.put(id, entry.seq());
        bytes += frame.length;
        while (entries.size() > maxEvents || (bytes > maxBytes && entries.size() > 1)) {
            Entry oldest = entries.removeFirst();
            bytes -= oldest.frame().length;
            seqById.remove(oldest.id(), oldest.seq());
        }
    }

    /**
     * The frames after {@code lastEventId} that {@code userId} listening to {@code topics} may see (broadcasts,
     * its own, its topics'), oldest first; {@code null} when the id is not in the window (too old, or never seen here).
     */
    List<byte[]> after(String lastEventId, String userId, Topics topics) {
        Long seq = seqById.get(lastEventId);
        if (seq == null) {
            return null;
        }
        List<byte[]> frames = new ArrayList<>();
        Iterator<Entry> newestFirst = entries.descendingIterator();
        while (newestFirst.hasNext()) {
            Entry entry = newestFirst.next();
            if (entry.seq() <= seq) {
                break;
            }
            boolean forEveryone = entry.userId() == null && entry.topic() == null;
            if (forEveryone || userId.equals(entry.userId()) || (entry.topic() != null && topics.matches(entry.topic()))) {
                frames.add(entry.frame());
            }
        }
        Collections.reverse(frames);
        return frames;
    }

    int size() {
        return entries.size();
    }

    long bytes() {
        return bytes;
    }
}
