package io.massivesse.relay;

/**
 * A departing user a stopping node hands to another, which finishes the grace and reports the user offline when
 * it ends ({@code dueAt}), unless the user comes back first.
 */
public record Handover(String userId, String reportedNode, String reason, long closedAt, long dueAt) {
}
