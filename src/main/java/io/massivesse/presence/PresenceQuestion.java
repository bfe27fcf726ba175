package io.massivesse.presence;

/** A presence query every live node answers for its own connections: about one user, or one topic. */
public record PresenceQuestion(Subject subject, String value) {

    public enum Subject { USER, TOPIC }

    public static PresenceQuestion user(String userId) {
        return new PresenceQuestion(Subject.USER, userId);
    }

    public static PresenceQuestion topic(String selector) {
        return new PresenceQuestion(Subject.TOPIC, selector);
    }
}
