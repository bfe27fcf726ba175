package io.massivesse.presence;

/** What presence reports as it works; {@code ops.SseMetrics} turns it into MicroProfile Metrics. */
public interface PresenceMetrics {

    /** One message sent to the presence topic, holding these changes. */
    default void presenceMessageSent(int changes) {
    }

    /** This node answered another node's (or its own) presence query, for a user or for a topic. */
    default void presenceQueryAnswered(PresenceQuestion.Subject subject) {
    }
}
