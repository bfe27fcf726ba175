package io.massivesse.hub;

/** Why a subscriber's stream ended; each reason is counted on its own. */
public enum CloseReason {
    /** The client went away (a write or the connection failed). */
    CLIENT_GONE,
    /** A newer connection of the same user took its place (duplicate policy {@code replace}). */
    REPLACED,
    /** Its queue stayed full for the slow-consumer time. */
    SLOW_CONSUMER,
    /** The node is shutting down. */
    SHUTDOWN,
    /** The token the stream was opened with expired. */
    TOKEN_EXPIRED
}
