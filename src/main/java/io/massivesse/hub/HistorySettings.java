package io.massivesse.hub;

/**
 * How much of each stream a node keeps for resuming with {@code Last-Event-ID}, read once by the CDI wiring.
 *
 * @param streamSize     events kept of the broadcast stream and of each topic (0: none)
 * @param userStreamSize events kept of each user's own stream (0: none)
 * @param ttlSeconds     no event, and no id, is kept longer than this
 * @param maxBytes       the whole history's heap at most (frames plus a fixed cost per id and per stream): past it
 *                       the oldest events go first, whatever their stream
 * @param replayEvents   events one resume replays at most: the newest ones; the streams whose older ones are left
 *                       out are named in its reset
 * @param replayBytes    bytes of frames one resume replays at most, likewise
 */
public record HistorySettings(int streamSize, int userStreamSize, int ttlSeconds, long maxBytes, int replayEvents,
                              long replayBytes) {

    /** Keeps nothing: every resume is a reset. */
    public static final HistorySettings NONE = new HistorySettings(0, 0, 0, 0);

    public HistorySettings {
        if (streamSize < 0 || userStreamSize < 0 || ttlSeconds < 0 || maxBytes < 0 || replayEvents < 1 || replayBytes < 1) {
            throw new IllegalArgumentException("invalid history settings: " + this);
        }
    }

    /** With no bound on what one resume replays beyond what the history keeps. */
    public HistorySettings(int streamSize, int userStreamSize, int ttlSeconds, long maxBytes) {
        this(streamSize, userStreamSize, ttlSeconds, maxBytes, Integer.MAX_VALUE, Long.MAX_VALUE);
    }

    long ttlMillis() {
        return ttlSeconds * 1000L;
    }
}
