package io.massivesse.presence;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;

import io.massivesse.hub.CloseReason;
import io.massivesse.relay.Claim;
import io.massivesse.relay.Handover;

/**
 * This node's part of the cluster's presence: which of its users are online, the changes it owes the
 * presence topic, and the control lines it owes the other nodes. Plain Java driven by the caller's
 * clock, so every rule is unit-tested without a broker.
 *
 * <p>The rules, per user: a first connection makes the user <em>pending</em>; other nodes learn of it
 * from the connection announcements and answer <em>present</em> if they hold the user already (or are
 * departing it). A pending user nobody claimed within {@link #CONFIRM_MILLIS} is reported online. A
 * last connection closing makes the user <em>departing</em>: any node that holds the user answers
 * present and the departure is forgotten; otherwise it is reported offline after the grace (plus, after
 * a drain, the time the drained client was told to wait). Exactly one node reports each change.
 *
 * <p>Nodes: each announces itself every interval; one silent for {@link PresenceSettings#nodeDownMillis()}
 * is down. The live node with the lowest id reports it, and every node reports again, as its own, the
 * users it holds that consumers last saw on the dead node. A node that stops hands its departing users to
 * the live node with the lowest id, which finishes their grace.
 */
public final class Presence {

    /**
     * A new user is reported online this long after connecting unless another node claims it: the
     * announcement and the answer, each batched for up to 100 ms, with room for a busy broker.
     */
    public static final long CONFIRM_MILLIS = 500;

    private record Due(long at, String userId, long turn) {
    }

    private final PresenceSettings settings;
    private final String self;
    private final Map<String, LocalUser> users = new HashMap<>();
    private final PriorityQueue<Due> due = new PriorityQueue<>((a, b) -> Long.compare(a.at(), b.at()));
    private final Roster roster;
    private long turns;

    private List<String> disconnected = new ArrayList<>();
    private List<Claim> claims = new ArrayList<>();
    private List<PresenceChange> changes = new ArrayList<>();

    public Presence(PresenceSettings settings, long now) {
        this.settings = settings;
        this.self = settings.nodeId();
        this.roster = new Roster(self, settings);
        changes.add(PresenceChange.nodeUp(self, now));
    }

    /** Users this node holds or is departing, for tests and metrics. */
    public synchronized int trackedUsers() {
        return users.size();
    }

    // ----- this node's connections -----

    public synchronized void opened(String userId, long openedAt, List<String> topics, long now) {
        LocalUser user = users.get(userId);
        if (user == null) {
            user = new LocalUser();
            users.put(userId, user);
            pend(userId, user, openedAt, topics, now);
            return;
        }
        user.connections++;
        if (user.state == LocalUser.State.HANDED) {
            // Back from a stopped node: consumers saw it there; the adopting node hears of it and forgets it.
            user.state = LocalUser.State.ONLINE;
            user.connections = 1;
            user.lastNode = self;
            user.topics = topics;
        } else if (user.state == LocalUser.State.DEPARTING) {
            // Back within the grace: nothing to report, unless consumers were never told of the user.
            if (user.reportedNode != null) {
                user.state = LocalUser.State.ONLINE;
            } else {
                pend(userId, user, openedAt, topics, now);
            }
        }
    }

    private void pend(String userId, LocalUser user, long openedAt, List<String> topics, long now) {
        user.state = LocalUser.State.PENDING;
        user.connections = 1;
        user.openedAt = openedAt;
        user.topics = topics;
        user.lastNode = self;
        schedule(userId, user, now + CONFIRM_MILLIS);
    }

    public synchronized void closed(String userId, CloseReason reason, long now) {
        LocalUser user = users.get(userId);
        if (user == null || user.state == LocalUser.State.DEPARTING || user.state == LocalUser.State.HANDED || --user.connections > 0) {
            return;
        }
        long wait = settings.graceMillis() + (reason == CloseReason.SHUTDOWN ? settings.drainReconnectMillis() : 0);
        depart(userId, user, PresenceChange.reasonOf(reason), now, now + wait);
        if (user.reportedNode != null) {
            disconnected.add(userId);
        }
    }

    private void depart(String userId, LocalUser user, String reason, long closedAt, long dueAt) {
        user.state = LocalUser.State.DEPARTING;
        user.connections = 0;
        user.reason = reason;
        user.closedAt = closedAt;
        schedule(userId, user, dueAt);
    }

    private void schedule(String userId, LocalUser user, long at) {
        user.dueAt = at;
        user.turn = ++turns;
        due.add(new Due(at, userId, user.turn));
    }

    // ----- what the other nodes say -----

    /** Another node opened a connection of the user (from its connection announcements). */
    public synchronized void connectedElsewhere(String node, String userId, long openedAt) {
        LocalUser user = users.get(userId);
        if (user == null || node.equals(self)) {
            return;
        }
        switch (user.state) {
            case HANDED -> users.remove(userId);
            case ONLINE -> claims.add(new Claim(userId, user.reportedNode));
            case DEPARTING -> {
                // The user is back, there: that node holds it now and reports its going.
                users.remove(userId);
                if (user.reportedNode != null) {
                    claims.add(new Claim(userId, user.reportedNode));
                }
            }
            case PENDING -> {
                // Both are new: the earlier connection (then the lower node id) reports the user.
                if (user.openedAt < openedAt || (user.openedAt == openedAt && self.compareTo(node) < 0)) {
                    claims.add(new Claim(userId, self));
                }
            }
        }
    }

    /** Another node's last connection of the user closed: holding the user here cancels that node's departure. */
    public synchronized void disconnectedElsewhere(String node, String userId) {
        LocalUser user = users.get(userId);
        if (user == null || node.equals(self) || user.state == LocalUser.State.HANDED) {
            return;
        }
        if (user.state == LocalUser.State.DEPARTING) {
            // Departing on both: the lower node id reports it, the other forgets it.
            if (node.compareTo(self) < 0) {
                users.remove(userId);
            }
            return;
        }
        claims.add(new Claim(userId, user.reportedNode != null ? user.reportedNode : self));
    }

    /** Another node holds the user: nothing to report here. */
    public synchronized void claimedElsewhere(String node, String userId, String reportedNode) {
        LocalUser user = users.get(userId);
        if (user == null || node.equals(self) || user.state == LocalUser.State.HANDED) {
            return;
        }
        if (user.state == LocalUser.State.PENDING) {
            user.state = LocalUser.State.ONLINE;
            user.reportedNode = reportedNode;
        } else if (user.state == LocalUser.State.DEPARTING) {
            users.remove(userId);
        }
    }

    /** A node's periodic announcement (this node's own too, as the broker hands it back). */
    public synchronized void nodeHeard(String node, long now) {
        roster.heard(node, now);
    }

    /**
     * A node stopped on purpose and handed over its departing users: it leaves the roster at once, its
     * users pending here stay unreported (consumers saw them there), and the lowest live node adopts the
     * rest; the other nodes keep them for their grace only to know a reconnect at once, without asking.
     */
    public synchronized void nodeStopped(String node, List<Handover> departures, long now) {
        if (node.equals(self)) {
            return;
        }
        roster.stopped(node, now);
        boolean adopter = self.equals(roster.lowestLive());
        for (Handover departure : departures) {
            LocalUser user = users.get(departure.userId());
            if (user == null) {
                user = new LocalUser();
                user.reportedNode = departure.reportedNode();
                user.lastNode = node;
                users.put(departure.userId(), user);
                depart(departure.userId(), user, departure.reason(), departure.closedAt(), departure.dueAt());
                if (!adopter) {
                    user.state = LocalUser.State.HANDED;
                }
            } else if (user.state == LocalUser.State.PENDING) {
                user.state = LocalUser.State.ONLINE;
                user.reportedNode = departure.reportedNode();
            }
        }
    }

    // ----- time -----

    /** Reports what is due by {@code now}: confirmed users, ended graces, nodes gone silent. */
    public synchronized void tick(long now) {
        for (String node : roster.silent(now)) {
            nodeDown(node, now);
        }
        while (!due.isEmpty() && due.peek().at() <= now) {
            Due next = due.poll();
            LocalUser user = users.get(next.userId());
            if (user == null || user.turn != next.turn()) {
                continue;
            }
            if (user.state == LocalUser.State.PENDING) {
                user.state = LocalUser.State.ONLINE;
                user.reportedNode = self;
                changes.add(PresenceChange.online(next.userId(), self, user.topics, user.openedAt));
            } else if (user.state == LocalUser.State.HANDED) {
                users.remove(next.userId());
            } else if (user.state == LocalUser.State.DEPARTING) {
                users.remove(next.userId());
                if (user.reportedNode != null) {
                    changes.add(PresenceChange.offline(next.userId(), user.lastNode, user.reason, user.closedAt));
                }
            }
        }
    }

    private void nodeDown(String node, long now) {
        roster.remove(node);
        // Consumers take the dead node's users for offline: report again the ones that are here now.
        users.forEach((userId, user) -> {
            if (node.equals(user.reportedNode)) {
                user.reportedNode = self;
                if (user.state == LocalUser.State.ONLINE) {
                    changes.add(PresenceChange.online(userId, self, user.topics, now));
                }
            }
        });
        if (roster.selfInTime(now) && self.equals(roster.lowestLive())) {
            changes.add(PresenceChange.nodeDown(node, "unresponsive", now));
        }
    }

    /** This node and the others heard from lately, in id order: the nodes a presence query waits for. */
    public synchronized Set<String> liveNodes() {
        return roster.live();
    }

    /** Takes what is owed since the last call. */
    public synchronized Owed takeOwed() {
        Owed owed = new Owed(disconnected, claims, changes);
        disconnected = new ArrayList<>();
        claims = new ArrayList<>();
        changes = new ArrayList<>();
        return owed;
    }

    /**
     * This node stops: every user it still holds departs now (closed by the drain), and the departing
     * users consumers were told of are returned for another node to finish; then the node's own down change.
     */
    public synchronized List<Handover> stop(long now) {
        List<Handover> handed = new ArrayList<>();
        users.forEach((userId, user) -> {
            if (user.state == LocalUser.State.HANDED) {
                return;
            }
            if (user.state != LocalUser.State.DEPARTING) {
                user.reason = PresenceChange.reasonOf(CloseReason.SHUTDOWN);
                user.closedAt = now;
                user.dueAt = now + settings.graceMillis() + settings.drainReconnectMillis();
            }
            if (user.reportedNode != null) {
                handed.add(new Handover(userId, user.reportedNode, user.reason, user.closedAt, user.dueAt));
            }
        });
        users.clear();
        due.clear();
        changes.add(PresenceChange.nodeDown(self, "stopped", now));
        return handed;
    }
}
