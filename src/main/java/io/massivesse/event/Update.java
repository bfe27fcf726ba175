package io.massivesse.event;

/**
 * One event as it travels from a publisher to the subscribers: what Mercure calls an update.
 * Its fields have passed {@link FieldRules} wherever it came from (REST, JMS).
 *
 * @param id          cluster-unique id, sortable by publish time (or the publisher's own)
 * @param event       event name; {@code null} for the default {@code message}
 * @param data        payload; line breaks become separate {@code data:} lines on the wire
 * @param userId      target user, or {@code null} for a broadcast
 * @param publishedAt epoch millis when the publishing node accepted it
 */
public record Update(String id, String event, String data, String userId, long publishedAt) {

    public boolean isBroadcast() {
        return userId == null;
    }
}
