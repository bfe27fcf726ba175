package io.massivesse.hub;

import java.util.Locale;

/** Why the history let an event go before a client could resume from it, as metrics count it. */
public enum Eviction {
    /** Its stream kept its newest events only ({@link HistorySettings#streamSize()}, the users' own size). */
    SIZE,
    /** Older than {@link HistorySettings#ttlSeconds()}. */
    TTL,
    /** The node's history reached {@link HistorySettings#maxBytes()}: the oldest events went, whatever their stream. */
    BYTES;

    /** As metrics name it: size, ttl, bytes. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
