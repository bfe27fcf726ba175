package io.massivesse.presence;

import java.util.List;

import io.massivesse.hub.CloseReason;

/**
 * One change the cluster reports on the presence topic: a user came online or went offline, a node came
 * up or went down. Users are reported for the whole cluster: online when they had no connection anywhere,
 * offline when they have had none for the grace period.
 *
 * @param userId  the user, {@code null} for a node change
 * @param node    the node that holds (or last held) the user's connection, or the node that came up or went down
 * @param topics  an online user's topics (of the connection that made it online); empty otherwise
 * @param reason  why a user went offline ({@link #reasonOf}) or a node went down ({@code stopped}, {@code unresponsive})
 * @param at      epoch millis: when the connection opened or closed, when the node came up or was found down
 */
public record PresenceChange(Kind kind, String userId, String node, List<String> topics, String reason, long at) {

    public enum Kind {
        ONLINE("online"), OFFLINE("offline"), NODE_UP("node-up"), NODE_DOWN("node-down");

        private final String wireName;

        Kind(String wireName) {
            this.wireName = wireName;
        }

        /** The {@code type} of the change in the JSON message. */
        public String wireName() {
            return wireName;
        }
    }

    public static PresenceChange online(String userId, String node, List<String> topics, long at) {
        return new PresenceChange(Kind.ONLINE, userId, node, topics, null, at);
    }

    public static PresenceChange offline(String userId, String node, String reason, long at) {
        return new PresenceChange(Kind.OFFLINE, userId, node, List.of(), reason, at);
    }

    public static PresenceChange nodeUp(String node, long at) {
        return new PresenceChange(Kind.NODE_UP, null, node, List.of(), null, at);
    }

    public static PresenceChange nodeDown(String node, String reason, long at) {
        return new PresenceChange(Kind.NODE_DOWN, null, node, List.of(), reason, at);
    }

    /** The reason an offline change gives for a connection's close. */
    public static String reasonOf(CloseReason reason) {
        return switch (reason) {
            case CLIENT_GONE -> "client-gone";
            case REPLACED -> "replaced";
            case SLOW_CONSUMER -> "slow-consumer";
            case SHUTDOWN -> "node-shutdown";
            case TOKEN_EXPIRED -> "token-expired";
        };
    }
}
