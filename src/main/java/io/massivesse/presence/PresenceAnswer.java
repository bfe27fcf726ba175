package io.massivesse.presence;

import java.util.List;
import java.util.Set;

/**
 * One node's answer to a presence query: the user's connections on it, or the users of its connections
 * that listen to the topic.
 */
public record PresenceAnswer(String node, List<Connection> connections, Set<String> users) {

    /** One open connection: when it opened (epoch millis) and its topics. */
    public record Connection(long since, List<String> topics) {
    }
}
