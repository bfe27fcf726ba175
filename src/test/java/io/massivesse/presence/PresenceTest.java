package io.massivesse.presence;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.massivesse.hub.CloseReason;
import io.massivesse.relay.Claim;
import io.massivesse.relay.Handover;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The presence rules between nodes, with the broker replaced by handing each node's batch to the others
 * by hand: what an announcement or a claim would carry.
 */
class PresenceTest {

    private static final long GRACE = 5_000;
    private static final long DRAIN = 8_000;
    private static final long INTERVAL = 2_000;
    private static final long T0 = 1_000_000;

    private static Presence node(String id) {
        Presence presence = new Presence(new PresenceSettings(id, GRACE, DRAIN, INTERVAL), T0);
        presence.takeOwed(); // its node-up
        return presence;
    }

    private static List<PresenceChange> changes(Presence presence) {
        return presence.takeOwed().changes();
    }

    /** What {@code from}'s batch tells {@code to}: its departures and its claims. */
    private static void deliver(String fromId, Owed batch, Presence to) {
        batch.disconnected().forEach(user -> to.disconnectedElsewhere(fromId, user));
        batch.claims().forEach(claim -> to.claimedElsewhere(fromId, claim.userId(), claim.reportedNode()));
    }

    @Test
    void aNodeAnnouncesItselfUpWhenItStarts() {
        Presence presence = new Presence(new PresenceSettings("node1", GRACE, DRAIN, INTERVAL), T0);
        assertThat(presence.takeOwed().changes()).containsExactly(PresenceChange.nodeUp("node1", T0));
    }

    @Test
    void aNewUserIsOnlineOnceNobodyClaimedItThenOfflineAfterTheGrace() {
        Presence node1 = node("node1");
        node1.opened("alice", T0, List.of("orders/42"), T0);
        node1.tick(T0 + Presence.CONFIRM_MILLIS - 1);
        assertThat(changes(node1)).isEmpty();
        node1.tick(T0 + Presence.CONFIRM_MILLIS);
        assertThat(changes(node1)).containsExactly(PresenceChange.online("alice", "node1", List.of("orders/42"), T0));

        node1.closed("alice", CloseReason.CLIENT_GONE, T0 + 10_000);
        assertThat(node1.takeOwed().disconnected()).containsExactly("alice");
        node1.tick(T0 + 10_000 + GRACE - 1);
        assertThat(changes(node1)).isEmpty();
        node1.tick(T0 + 10_000 + GRACE);
        assertThat(changes(node1)).containsExactly(PresenceChange.offline("alice", "node1", "client-gone", T0 + 10_000));
        assertThat(node1.trackedUsers()).isZero();
    }

    @Test
    void aReconnectOnTheSameNodeWithinTheGraceReportsNothing() {
        Presence node1 = node("node1");
        node1.opened("alice", T0, List.of(), T0);
        node1.tick(T0 + 1_000);
        changes(node1);
        node1.closed("alice", CloseReason.CLIENT_GONE, T0 + 2_000);
        node1.opened("alice", T0 + 4_000, List.of(), T0 + 4_000);
        node1.tick(T0 + 60_000);
        assertThat(changes(node1)).isEmpty();
    }

    @Test
    void aUserMovingToAnotherNodeWithinTheGraceReportsNothingAnywhere() {
        Presence node1 = node("node1");
        Presence node2 = node("node2");
        node1.opened("alice", T0, List.of(), T0);
        node1.tick(T0 + 1_000);
        assertThat(changes(node1)).hasSize(1);

        node1.closed("alice", CloseReason.SHUTDOWN, T0 + 2_000);
        node1.takeOwed();
        // It comes back on node2 after its retry hint; node2's announcement reaches node1, which claims the user.
        node2.opened("alice", T0 + 9_000, List.of(), T0 + 9_000);
        node1.connectedElsewhere("node2", "alice", T0 + 9_000);
        Owed fromNode1 = node1.takeOwed();
        assertThat(fromNode1.claims()).containsExactly(new Claim("alice", "node1"));
        deliver("node1", fromNode1, node2);

        node1.tick(T0 + 60_000);
        node2.tick(T0 + 60_000);
        assertThat(changes(node1)).isEmpty();
        assertThat(changes(node2)).isEmpty();
        assertThat(node1.trackedUsers()).isZero();
    }

    @Test
    void aDrainedUserGetsItsRetryHintOnTopOfTheGrace() {
        Presence node1 = node("node1");
        node1.opened("alice", T0, List.of(), T0);
        node1.tick(T0 + 1_000);
        changes(node1);
        node1.closed("alice", CloseReason.SHUTDOWN, T0 + 2_000);
        node1.tick(T0 + 2_000 + GRACE);
        assertThat(changes(node1)).isEmpty();
        node1.tick(T0 + 2_000 + GRACE + DRAIN);
        assertThat(changes(node1)).extracting(PresenceChange::reason).containsExactly("node-shutdown");
    }

    @Test
    void twoNewConnectionsOnTwoNodesAtOnceMakeOneOnline() {
        Presence node1 = node("node1");
        Presence node2 = node("node2");
        node1.opened("alice", T0 + 5, List.of(), T0 + 5);
        node2.opened("alice", T0 + 3, List.of(), T0 + 3);
        node1.connectedElsewhere("node2", "alice", T0 + 3);
        node2.connectedElsewhere("node1", "alice", T0 + 5);
        Owed fromNode1 = node1.takeOwed();
        Owed fromNode2 = node2.takeOwed();
        assertThat(fromNode1.claims()).isEmpty();
        assertThat(fromNode2.claims()).containsExactly(new Claim("alice", "node2"));
        deliver("node2", fromNode2, node1);
        node1.tick(T0 + 1_000);
        node2.tick(T0 + 1_000);
        assertThat(changes(node1)).isEmpty();
        assertThat(changes(node2)).extracting(PresenceChange::node).containsExactly("node2");
    }

    @Test
    void aUserStillOnAnotherNodeIsNotReportedOfflineWhenOneOfItsConnectionsEnds() {
        Presence node1 = node("node1");
        Presence node2 = node("node2");
        node1.opened("alice", T0, List.of(), T0);
        node1.tick(T0 + 1_000);
        changes(node1);
        node2.opened("alice", T0 + 2_000, List.of(), T0 + 2_000);
        node1.connectedElsewhere("node2", "alice", T0 + 2_000);
        deliver("node1", node1.takeOwed(), node2);

        node1.closed("alice", CloseReason.CLIENT_GONE, T0 + 3_000);
        Owed fromNode1 = node1.takeOwed();
        deliver("node1", fromNode1, node2);
        deliver("node2", node2.takeOwed(), node1);
        node1.tick(T0 + 60_000);
        node2.tick(T0 + 60_000);
        assertThat(changes(node1)).isEmpty();
        assertThat(changes(node2)).isEmpty();
        assertThat(node1.trackedUsers()).isZero();
        assertThat(node2.trackedUsers()).isOne();
    }

    @Test
    void aUserThatLeftBeforeItWasReportedIsNeverReported() {
        Presence node1 = node("node1");
        node1.opened("alice", T0, List.of(), T0);
        node1.closed("alice", CloseReason.CLIENT_GONE, T0 + 100);
        assertThat(node1.takeOwed().disconnected()).isEmpty();
        node1.tick(T0 + 60_000);
        assertThat(changes(node1)).isEmpty();
    }

    @Test
    void aSilentNodeIsReportedDownByTheLowestLiveNodeOnly() {
        Presence node1 = node("node1");
        Presence node2 = node("node2");
        for (Presence presence : List.of(node1, node2)) {
            presence.nodeHeard("node1", T0);
            presence.nodeHeard("node2", T0);
            presence.nodeHeard("node3", T0);
        }
        assertThat(node2.liveNodes()).containsExactly("node1", "node2", "node3");
        long later = T0 + 3 * INTERVAL + 1;
        for (Presence presence : List.of(node1, node2)) {
            presence.nodeHeard("node1", later - 100);
            presence.nodeHeard("node2", later - 100);
            presence.tick(later);
        }
        assertThat(changes(node1)).containsExactly(PresenceChange.nodeDown("node3", "unresponsive", later));
        assertThat(changes(node2)).isEmpty();
        assertThat(node2.liveNodes()).containsExactly("node1", "node2");
    }

    @Test
    void aNodeThatLagsItsOwnAnnouncementsDeclaresNobodyDown() {
        Presence node1 = node("node1");
        node1.nodeHeard("node1", T0);
        node1.nodeHeard("node3", T0);
        node1.tick(T0 + 10 * INTERVAL);
        assertThat(changes(node1)).isEmpty();
        assertThat(node1.liveNodes()).containsExactly("node1");
    }

    @Test
    void usersMovedFromADeadNodeAreReportedAgainByTheirNewNode() {
        Presence node2 = node("node2");
        node2.opened("alice", T0, List.of("t"), T0);
        node2.claimedElsewhere("node3", "alice", "node3");
        node2.nodeHeard("node2", T0);
        node2.nodeHeard("node3", T0);
        long later = T0 + 3 * INTERVAL + 1;
        node2.nodeHeard("node2", later);
        node2.tick(later);
        assertThat(changes(node2)).containsExactly(PresenceChange.online("alice", "node2", List.of("t"), later),
                PresenceChange.nodeDown("node3", "unresponsive", later));
    }

    @Test
    void aStoppingNodeHandsItsDepartingUsersToTheLowestLiveNode() {
        Presence node1 = node("node1");
        Presence node2 = node("node2");
        Presence node3 = node("node3");
        for (Presence presence : List.of(node1, node2, node3)) {
            List.of("node1", "node2", "node3").forEach(id -> presence.nodeHeard(id, T0));
        }
        node3.opened("alice", T0, List.of(), T0);
        node3.opened("bob", T0, List.of(), T0);
        node3.tick(T0 + 1_000);
        assertThat(changes(node3)).hasSize(2);
        node3.closed("alice", CloseReason.SHUTDOWN, T0 + 2_000);
        List<Handover> handed = node3.stop(T0 + 2_500);
        assertThat(handed).extracting(Handover::userId).containsExactlyInAnyOrder("alice", "bob");
        assertThat(changes(node3)).containsExactly(PresenceChange.nodeDown("node3", "stopped", T0 + 2_500));

        node1.nodeStopped("node3", handed, T0 + 2_600);
        node2.nodeStopped("node3", handed, T0 + 2_600);
        // An announcement node3 sent before it stopped, arriving late, does not bring it back.
        node2.nodeHeard("node3", T0 + 2_700);
        assertThat(node1.liveNodes()).containsExactly("node1", "node2");
        assertThat(node2.liveNodes()).containsExactly("node1", "node2");
        // bob comes back on node2 in time: node2 knows him from the hand-over at once (no claim to wait for),
        // node1 hears of it and forgets him; alice never comes back.
        node2.opened("bob", T0 + 6_000, List.of(), T0 + 6_000);
        node1.connectedElsewhere("node2", "bob", T0 + 6_000);
        node2.tick(T0 + 6_000 + Presence.CONFIRM_MILLIS);
        assertThat(changes(node2)).isEmpty();
        node1.tick(T0 + 60_000);
        node2.tick(T0 + 60_000);
        assertThat(changes(node1)).containsExactly(PresenceChange.offline("alice", "node3", "node-shutdown", T0 + 2_000));
        assertThat(changes(node2)).isEmpty();
        assertThat(node2.trackedUsers()).isOne();
    }
}
