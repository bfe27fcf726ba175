package io.massivesse.push;

/**
 * One socket's wait for its peer as successive looks see it: since when something written or a probe has waited
 * unanswered, and when the peer last answered then. The kernel's age of the last answer alone misjudges a healthy
 * peer: a heartbeat sent to a stream last answered 14.9 s ago reads as 15 s unanswered the instant it leaves, and
 * on a saturated loopback its answer can come seconds later (dropped packets, retransmits backing off 0.2, 0.4,
 * 0.8 ... s). So a wait counts only once the looks have seen that same wait for half the silence allowed: a healthy
 * peer's kernel answers within that, a vanished one never does. Only the watch's thread touches it.
 */
final class Silence {

    private static final long NONE = Long.MIN_VALUE;
    /** Looks at the same wait find the same last answer within this (the kernel counts whole milliseconds, jiffies). */
    private static final long SAME_ANSWER_MILLIS = 250;

    private long seenSince = NONE;
    private long lastAnswer;

    /**
     * Whether the peer has left something unanswered for longer than {@code silenceMillis}, given what the kernel
     * says now ({@code unansweredMillis}: the age of its last answer while something waits, {@code -1} when nothing
     * does) and the look's clock.
     */
    boolean exceeds(long unansweredMillis, long nowMillis, long silenceMillis) {
        if (unansweredMillis < 0) {
            seenSince = NONE;
            return false;
        }
        long answer = nowMillis - unansweredMillis;
        if (seenSince == NONE || answer - lastAnswer > SAME_ANSWER_MILLIS) {
            seenSince = nowMillis;
            lastAnswer = answer;
            return false;
        }
        return unansweredMillis > silenceMillis && nowMillis - seenSince >= silenceMillis / 2;
    }
}
