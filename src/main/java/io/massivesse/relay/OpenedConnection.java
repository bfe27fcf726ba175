package io.massivesse.relay;

/** One connection a node announces to the others: its user, and when it opened (epoch millis). */
public record OpenedConnection(String userId, long openedAt) {
}
