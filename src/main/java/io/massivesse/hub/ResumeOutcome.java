package io.massivesse.hub;

import java.util.Locale;

/** How a reconnect with {@code Last-Event-ID} was served, as metrics count it. */
public enum ResumeOutcome {
    /** Every stream of the connection still had every event after the id. */
    COMPLETE,
    /** Some streams had dropped events after the id (their size, their age, the node's byte bound): a reset names them. */
    PARTIAL,
    /** The id is not known here (older than the history's time to live, or never seen): a reset names every stream. */
    UNKNOWN_ID;

    /** As metrics name it: complete, partial, unknown-id. */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
