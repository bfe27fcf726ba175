package io.massivesse.hub;

/**
 * The hub's tunables, read once from MicroProfile Config by the application's CDI wiring.
 *
 * @param nodeId                 this node's id, in connected frames and event ids
 * @param bufferSize             frames a connection may have queued before the oldest are dropped
 * @param slowConsumerSeconds    how long a queue may stay full before the connection is closed
 * @param heartbeatSeconds       interval of the {@code : ping} comment
 * @param retryMillis            reconnect delay suggested to clients
 * @param maxConnections         subscribers this node accepts before answering 503
 * @param maxConnectionsPerUser  connections one user may hold under {@link DuplicatePolicy#ALLOW}
 * @param duplicatePolicy        what a second connection of a user does to the first
 * @param history                what each stream keeps for resuming with Last-Event-ID
 * @param maxTopicsPerConnection topics one connection may listen to
 * @param shutdownSpreadMillis   a drained node's clients are told to reconnect within the retry plus this
 */
public record HubSettings(String nodeId, int bufferSize, int slowConsumerSeconds, int heartbeatSeconds,
                          int retryMillis, int maxConnections, int maxConnectionsPerUser,
                          DuplicatePolicy duplicatePolicy, HistorySettings history,
                          int maxTopicsPerConnection, int shutdownSpreadMillis) {

    public HubSettings {
        if (bufferSize < 1 || heartbeatSeconds < 1 || slowConsumerSeconds < 1 || maxConnections < 1
                || maxConnectionsPerUser < 1 || retryMillis < 0 || history == null || maxTopicsPerConnection < 0 || shutdownSpreadMillis < 0) {
            throw new IllegalArgumentException("invalid hub settings: " + this);
        }
    }
}
