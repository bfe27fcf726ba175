package io.massivesse.hub;

import java.util.ArrayDeque;

/** The events the history keeps of one stream: the broadcasts, one user's own, or one topic's. */
final class HistoryStream {

    /** As a reset names it: {@code broadcast}, {@code user:<id>}, {@code topic:<name>}. */
    final String name;
    final String userId;
    final String topic;
    final int size;
    /** Its newest events, oldest first, at most {@link #size}. */
    final ArrayDeque<HistoryEntry> kept = new ArrayDeque<>(4);
    /** The newest position this stream dropped an event at; a resume from before it lost events here. */
    long lostAt = -1;

    HistoryStream(String name, String userId, String topic, int size) {
        this.name = name;
        this.userId = userId;
        this.topic = topic;
        this.size = size;
    }
}
