package io.massivesse.hub;

/** The hub did not take a subscriber: why, in words fit for the client, and when to try again. */
public final class SubscribeRefusedException extends RuntimeException {

    /** What stood in the way. */
    public enum Reason {
        /** The node is shutting down: reconnect to another node. */
        DRAINING,
        /** The node holds as many connections as it may. */
        AT_CAPACITY,
        /** Policy {@code allow}: the user already has the most connections one user may hold here. */
        USER_LIMIT
    }

    private final Reason reason;
    private final Integer retryAfterSeconds;

    SubscribeRefusedException(Reason reason, String message, Integer retryAfterSeconds) {
        super(message, null, false, false);
        this.reason = reason;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public Reason reason() {
        return reason;
    }

    /** Seconds a client should wait before it tries again, or {@code null} when waiting would not help. */
    public Integer retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
