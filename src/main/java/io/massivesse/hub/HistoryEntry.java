package io.massivesse.hub;

/** One known id of the history: where it stands, when it came, its stream, and its frame while the stream keeps it. */
final class HistoryEntry {

    final long seq;
    final String id;
    final long at;
    final HistoryStream stream;
    /** Null once its stream dropped the event: the id stays known for the time to live. */
    byte[] frame;

    HistoryEntry(long seq, String id, long at, HistoryStream stream, byte[] frame) {
        this.seq = seq;
        this.id = id;
        this.at = at;
        this.stream = stream;
        this.frame = frame;
    }
}
