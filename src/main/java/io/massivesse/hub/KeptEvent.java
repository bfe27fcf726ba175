package io.massivesse.hub;

/**
 * One event of a node's history as another node that starts takes it over: its id, its stream (a user, a topic,
 * or neither for a broadcast), when the node received it, and its frame, or null where its stream had dropped it
 * and only the id is still known.
 */
public record KeptEvent(String id, String userId, String topic, long at, byte[] frame) {
}
