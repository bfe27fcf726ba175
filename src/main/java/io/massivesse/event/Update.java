package io.massivesse.event;

/**
 * One event as it travels from a publisher to the subscribers: what Mercure calls an update.
 * It goes to exactly one of: one user, one topic, everyone. Its fields have passed
 * {@link FieldRules} wherever it came from (REST, JMS).
 *
 * @param id          cluster-unique id, sortable by publish time (or the publisher's own)
 * @param event       event name; {@code null} for the default {@code message}
 * @param data        payload; line breaks become separate {@code data:} lines on the wire
 * @param userId      target user, or {@code null}
 * @param topic       target topic name, or {@code null}
 * @param publishedAt epoch millis when the publishing node accepted it
 */
public record Update(String id, String event, String data, String userId, String topic, long publishedAt) {

    public Update {
        if (userId != null && topic != null) {
            throw new IllegalArgumentException("an update goes to a user or to a topic, not both");
        }
    }

    /** An update for one user, or for everyone when {@code userId} is {@code null}. */
    public Update(String id, String event, String data, String userId, long publishedAt) {
        this(id, event, data, userId, null, publishedAt);
    }

    public boolean isBroadcast() {
        return userId == null && topic == null;
    }

    /** Who the update is for, as metrics name it. */
    public String target() {
        return topic != null ? "topic" : userId != null ? "user" : "broadcast";
    }
}
