package io.massivesse.relay;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import io.massivesse.presence.Handover;
import io.massivesse.hub.CloseReason;
import io.massivesse.hub.ConnectionWatcher;
import io.massivesse.hub.DuplicatePolicy;
import io.massivesse.hub.Hub;
import io.massivesse.hub.Subscriber;
import io.massivesse.presence.OpenedConnection;
import io.massivesse.presence.Owed;
import io.massivesse.presence.Presence;
import io.massivesse.presence.PresenceChange;
import io.massivesse.presence.PresenceSettings;

/**
 * What this node tells the cluster, in batches every {@link #INTERVAL_MILLIS}: the connections it
 * opened (under {@code replace} the other nodes close the users' older ones; presence learns who is
 * new), and with presence on, the users it lost, its claims on users others announced, the presence
 * changes for enterprise applications, and, at every node interval, that it is alive. A ramp of
 * thousands of connects a second costs a few messages a second per node, not one per connect
 * (measured: one message per connect made the 100,000-connection ramp CPU-bound).
 */
@ApplicationScoped
public class ClusterAnnouncer implements ConnectionWatcher {

    private static final Logger LOG = Logger.getLogger(ClusterAnnouncer.class.getName());
    static final long INTERVAL_MILLIS = 100;
    /** Connections per announcement at most (~40 bytes each on the wire). */
    static final int MAX_BATCH = 5_000;
    /** Presence changes kept for a broker that is away; beyond this the oldest go (and a warning says so). */
    static final int MAX_UNSENT_CHANGES = 200_000;

    @Inject
    Hub hub;

    @Inject
    Relay relay;

    /** A container-managed timer: the relay's connection factory is used from a thread the server knows. */
    @Resource
    ManagedScheduledExecutorService scheduler;

    @Inject
    PresenceSettings settings;

    private final ConcurrentLinkedQueue<OpenedConnection> pending = new ConcurrentLinkedQueue<>();
    private final List<PresenceChange> unsent = new ArrayList<>();
    private volatile Presence presence;
    private final List<ScheduledFuture<?>> timers = new CopyOnWriteArrayList<>();

    @PostConstruct
    void start() {
        if (settings.enabled()) {
            track(new Presence(settings, System.currentTimeMillis()));
            timers.add(scheduler.scheduleWithFixedDelay(this::announceNode, 0, settings.nodeIntervalMillis(),
                    TimeUnit.MILLISECONDS));
        }
        hub.watch(this);
        timers.add(scheduler.scheduleWithFixedDelay(this::flush, INTERVAL_MILLIS, INTERVAL_MILLIS, TimeUnit.MILLISECONDS));
    }

    /** Creates the bean (and its timers) at start. */
    void onStart(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        // Observing the event is enough: CDI creates the bean to deliver it.
    }

    /** Keeps this node's presence up to date from here on. */
    void track(Presence tracked) {
        presence = tracked;
    }

    /** This node's presence, or {@code null} when presence is off. */
    public Presence presence() {
        return presence;
    }

    @Override
    public void opened(Subscriber subscriber) {
        Presence tracking = presence;
        if (tracking != null || hub.settings().duplicatePolicy() == DuplicatePolicy.REPLACE) {
            pending.add(new OpenedConnection(subscriber.userId(), subscriber.openedAt()));
        }
        if (tracking != null) {
            tracking.opened(subscriber.userId(), subscriber.openedAt(), subscriber.topics().selectors(),
                    System.currentTimeMillis());
        }
    }

    @Override
    public void closed(Subscriber subscriber, CloseReason reason) {
        Presence tracking = presence;
        if (tracking != null) {
            tracking.closed(subscriber.userId(), reason, System.currentTimeMillis());
        }
    }

    /**
     * Sends what is pending: connections in batches of at most {@link #MAX_BATCH}, then what presence owes. One
     * flush at a time, and none beside {@link #leave()}: a timer's flush that drained changes before the stop
     * must have published them before the stop's {@code node-down} goes out.
     */
    synchronized void flush() {
        while (!pending.isEmpty()) {
            List<OpenedConnection> batch = new ArrayList<>();
            OpenedConnection next;
            while (batch.size() < MAX_BATCH && (next = pending.poll()) != null) {
                batch.add(next);
            }
            try {
                relay.announceConnections(hub.settings().nodeId(), batch);
            } catch (RelayUnavailableException | RuntimeException e) {
                // Best effort: the streams work without it. Dropping what is pending keeps a broker outage
                // from piling announcements up.
                pending.clear();
                LOG.fine(() -> "could not announce " + batch.size() + " connections: " + e.getMessage());
                break;
            }
        }
        Presence tracking = presence;
        if (tracking != null) {
            tracking.tick(System.currentTimeMillis());
            send(tracking.takeOwed());
        }
    }

    private void send(Owed batch) {
        String node = hub.settings().nodeId();
        try {
            if (!batch.disconnected().isEmpty()) {
                relay.announceDisconnected(node, batch.disconnected());
            }
            if (!batch.claims().isEmpty()) {
                relay.sendClaims(node, batch.claims());
            }
        } catch (RelayUnavailableException | RuntimeException e) {
            // Without the broker no node hears the others: the claims would be stale when it is back.
            LOG.fine(() -> "could not send presence control lines: " + e.getMessage());
        }
        synchronized (unsent) {
            unsent.addAll(batch.changes());
            if (unsent.size() > MAX_UNSENT_CHANGES) {
                int over = unsent.size() - MAX_UNSENT_CHANGES;
                unsent.subList(0, over).clear();
                LOG.warning("The broker has been away too long: " + over + " presence changes were dropped");
            }
            if (unsent.isEmpty()) {
                return;
            }
            try {
                relay.publishPresence(node, List.copyOf(unsent));
                unsent.clear();
            } catch (RelayUnavailableException | RuntimeException e) {
                // Kept, in order, for the next flush: the broker is away, the changes are not lost.
                LOG.fine(() -> "could not publish " + unsent.size() + " presence changes: " + e.getMessage());
            }
        }
    }

    private void announceNode() {
        try {
            relay.announceNode(hub.settings().nodeId());
        } catch (RelayUnavailableException | RuntimeException e) {
            LOG.fine(() -> "could not announce this node: " + e.getMessage());
        }
    }

    /**
     * The node stops: its users, connected or departing, go to another node to finish their grace, and
     * consumers hear that it stopped. Called by the drain, while the broker connections are still there
     * (they are closed before the application's beans are destroyed); later calls do nothing.
     */
    public synchronized void leave() {
        Presence tracking = presence;
        if (tracking == null) {
            return;
        }
        // A node that has left says no more that it is alive (the others would take it for down), and no timer
        // flushes after the hand-over: this call sends what is left, in order.
        timers.forEach(timer -> timer.cancel(false));
        flush();
        presence = null;
        List<Handover> departures = tracking.stop(System.currentTimeMillis());
        try {
            relay.announceStop(hub.settings().nodeId(), departures);
        } catch (RelayUnavailableException | RuntimeException e) {
            LOG.log(Level.WARNING, "Could not hand " + departures.size() + " departing users to another node", e);
        }
        send(tracking.takeOwed());
        LOG.info("Left the cluster: handed " + departures.size() + " users to another node to finish their grace");
    }

    @PreDestroy
    void stop() {
        leave();
        timers.forEach(timer -> timer.cancel(false));
    }
}
