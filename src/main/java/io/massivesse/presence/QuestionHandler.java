package io.massivesse.presence;

/** How a node answers a presence question another node (or itself) asked through the {@link PresenceRelay}. */
public interface QuestionHandler {

    /** This node's part of the answer: its own connections only. */
    PresenceAnswer answer(PresenceQuestion question);
}
