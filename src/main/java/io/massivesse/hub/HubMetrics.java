package io.massivesse.hub;

/**
 * What the hub reports as it works; {@code ops.SseMetrics} turns it into MicroProfile Metrics.
 * Calls are per connection or per event, never per (event, connection) pair except a drop.
 */
public interface HubMetrics {

    /** Reports nothing: for tests and for a hub without a metrics registry. */
    HubMetrics NONE = new HubMetrics() {
    };

    default void connectionOpened() {
    }

    default void connectionClosed(CloseReason reason) {
    }

    /**
     * One event handed to this node's connections.
     *
     * @param deliveries      connections whose queue took it
     * @param relayLagMillis  from the publishing node accepting it to this node starting the fan-out
     * @param fanOutNanos     how long queueing it for every connection took
     */
    default void eventFannedOut(long deliveries, long relayLagMillis, long fanOutNanos) {
    }

    /** An event this node had fanned out already came again (a redelivery after a broker failover) and was skipped. */
    default void eventRedelivered() {
    }

    /** A queued event was dropped because a connection's queue was full. */
    default void eventDropped() {
    }

    /** Events sent from the history to one new connection: what it missed, or its topics' latest. */
    default void eventsReplayed(int count) {
    }

    /** A reconnect with Last-Event-ID, and how the history served it. */
    default void resumed(ResumeOutcome outcome) {
    }

    /** The history let an event go (not per connection: once per event and cause). */
    default void historyEvicted(Eviction cause) {
    }
}
