package io.massivesse.presence;

import java.util.List;

/** What presence knows of one user this node holds, is departing or was handed: its state and its due time. */
final class LocalUser {

    /** HANDED: departing on a node that stopped and handed it to another; here only so a reconnect is known at once. */
    enum State { PENDING, ONLINE, DEPARTING, HANDED }

    State state;
    int connections;
    long openedAt;
    List<String> topics = List.of();
    /** The node consumers were told holds the user; {@code null} while they were told nothing. */
    String reportedNode;
    /** The node of the user's last connection, named in the offline change. */
    String lastNode;
    String reason;
    long closedAt;
    /** When the pending user is reported online, or the departing one offline. */
    long dueAt;
    /**
     * Which scheduled due time is the live one; older ones are skipped. An online user needs none: due
     * times only act on pending, departing and handed users, and every way back to those schedules anew.
     */
    long turn;
}
