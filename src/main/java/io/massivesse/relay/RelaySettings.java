package io.massivesse.relay;

/**
 * How the relay sends, read once from MicroProfile Config by the wiring.
 *
 * @param nodeId                this node: it names the node's control messages and its spans
 * @param topicName             the events topic's name, for the spans (the topic itself is server.xml's)
 * @param eventTtlMillis        events expire on the broker after this: a node away longer does not pile them up
 * @param persistent            events survive a broker restart, at the cost of a journal write each
 * @param announcementTtlMillis a node's "still here" is worth nothing once the others would take it for down
 */
public record RelaySettings(String nodeId, String topicName, long eventTtlMillis, boolean persistent,
                            long announcementTtlMillis) {
}
