package io.massivesse.relay;

/**
 * What a node tells the others about a user they announced or let go: it holds (or is departing) the user, whom
 * consumers of the presence topic saw on {@code reportedNode}. The node that receives it then reports nothing.
 */
public record Claim(String userId, String reportedNode) {
}
