package io.massivesse.presence;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
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

import io.massivesse.hub.CloseReason;
import io.massivesse.hub.ConnectionWatcher;
import io.massivesse.hub.DuplicatePolicy;
import io.massivesse.hub.Hub;
import io.massivesse.hub.Subscriber;
import io.massivesse.relay.ControlHandler;
import io.massivesse.relay.ControlMessage;
import io.massivesse.relay.ControlRelay;
import io.massivesse.relay.Handover;
import io.massivesse.relay.OpenedConnection;
import io.massivesse.relay.RelayUnavailableException;

/**
 * This node in the cluster: what it tells the other nodes and what it does with what they tell it. It announces
 * the connections it opened, in batches every {@link #INTERVAL_MILLIS} (under {@code replace} the other nodes close
 * the users' older ones; presence learns who is new), and with presence on it owns this node's {@link Presence}:
 * sends what it owes (lost users, claims, changes for the presence topic), says every node interval that it is
 * alive, answers presence questions, and hands its users over when it leaves. A ramp of thousands of connects a
 * second costs a few messages a second per node (measured: one message per connect made the 100,000-connection
 * ramp CPU-bound).
 */
@ApplicationScoped
public class ClusterPresence implements ConnectionWatcher, ControlHandler, QuestionHandler {

    private static final Logger LOG = Logger.getLogger(ClusterPresence.class.getName());
    static final long INTERVAL_MILLIS = 100;
    /** Connections per announcement at most (~40 bytes each on the wire). */
    static final int MAX_BATCH = 5_000;

    @Inject
    Hub hub;

    @Inject
    ControlRelay control;

    @Inject
    PresenceRelay presenceRelay;

    @Inject
    PresenceMetrics metrics;

    /** A container-managed timer: the relay's connection factory is used from a thread the server knows. */
    @Resource
    ManagedScheduledExecutorService scheduler;

    @Inject
    PresenceSettings settings;

    private final ConcurrentLinkedQueue<OpenedConnection> pending = new ConcurrentLinkedQueue<>();
    private final ChangeOutbox outbox = new ChangeOutbox();
    private volatile Presence presence;
    private final List<ScheduledFuture<?>> timers = new CopyOnWriteArrayList<>();

    @PostConstruct
    void start() {
        if (settings.enabled()) {
            track(new Presence(settings, System.currentTimeMillis()));
            timers.add(scheduler.scheduleWithFixedDelay(() -> send(new ControlMessage.NodeAlive(nodeId())), 0,
                    settings.nodeIntervalMillis(), TimeUnit.MILLISECONDS));
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

    private String nodeId() {
        return hub.settings().nodeId();
    }

    // ----- this node's connections -----

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
     * flush at a time, and none beside {@link #leave()}: a timer's flush that took changes before the stop must
     * have published them before the stop's {@code node-down} goes out.
     */
    synchronized void flush() {
        while (!pending.isEmpty()) {
            List<OpenedConnection> batch = new ArrayList<>();
            OpenedConnection next;
            while (batch.size() < MAX_BATCH && (next = pending.poll()) != null) {
                batch.add(next);
            }
            if (!send(new ControlMessage.Connected(nodeId(), batch))) {
                // Best effort: the streams work without it. Dropping what is pending keeps a broker outage
                // from piling announcements up.
                pending.clear();
                break;
            }
        }
        Presence tracking = presence;
        if (tracking != null) {
            tracking.tick(System.currentTimeMillis());
            send(tracking.takeOwed());
        }
    }

    private void send(Owed owed) {
        // Without the broker no node hears the others: lost lines would be stale when it is back, so they go.
        if (owed.disconnected().isEmpty() || send(new ControlMessage.Disconnected(nodeId(), owed.disconnected()))) {
            if (!owed.claims().isEmpty()) {
                send(new ControlMessage.Claims(nodeId(), owed.claims()));
            }
        }
        outbox.send(nodeId(), owed.changes(), presenceRelay);
    }

    /** Sends a control message, best effort; whether the broker took it. */
    private boolean send(ControlMessage message) {
        try {
            control.send(message);
            return true;
        } catch (RelayUnavailableException | RuntimeException e) {
            LOG.fine(() -> "could not send a " + message.kind() + " message: " + e.getMessage());
            return false;
        }
    }

    // ----- what the other nodes say -----

    @Override
    public void onControl(ControlMessage message) {
        Presence tracking = presence;
        if (message instanceof ControlMessage.Connected connected) {
            for (OpenedConnection opened : connected.connections()) {
                // Presence first: a connection replaced here is then known to be online over there.
                if (tracking != null) {
                    tracking.connectedElsewhere(connected.node(), opened.userId(), opened.openedAt());
                }
                hub.replaceOlderThan(opened.userId(), connected.node(), opened.openedAt());
            }
        } else if (tracking == null) {
            return;
        } else if (message instanceof ControlMessage.Disconnected gone) {
            gone.userIds().forEach(userId -> tracking.disconnectedElsewhere(gone.node(), userId));
        } else if (message instanceof ControlMessage.Claims claimed) {
            claimed.claims().forEach(claim -> tracking.claimedElsewhere(claimed.node(), claim.userId(), claim.reportedNode()));
        } else if (message instanceof ControlMessage.NodeAlive alive) {
            tracking.nodeHeard(alive.node(), System.currentTimeMillis());
        } else if (message instanceof ControlMessage.NodeStopped stopped) {
            tracking.nodeStopped(stopped.node(), stopped.handovers(), System.currentTimeMillis());
            LOG.info(() -> "Node " + stopped.node() + " stopped and handed over " + stopped.handovers().size()
                    + " users; this node now tracks " + tracking.trackedUsers());
        }
    }

    @Override
    public PresenceAnswer answer(PresenceQuestion question) {
        PresenceAnswer answer;
        if (question.subject() == PresenceQuestion.Subject.USER) {
            List<PresenceAnswer.Connection> connections = hub.connectionsOf(question.value()).stream()
                    .filter(subscriber -> !subscriber.isClosed())
                    .map(subscriber -> new PresenceAnswer.Connection(subscriber.openedAt(), subscriber.topics().selectors()))
                    .toList();
            answer = new PresenceAnswer(nodeId(), connections, Set.of());
        } else {
            answer = new PresenceAnswer(nodeId(), List.of(), hub.listenersOf(question.value()));
        }
        metrics.presenceQueryAnswered(question.subject());
        return answer;
    }

    // ----- leaving -----

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
        List<Handover> handovers = tracking.stop(System.currentTimeMillis());
        try {
            control.send(new ControlMessage.NodeStopped(nodeId(), handovers));
        } catch (RelayUnavailableException | RuntimeException e) {
            LOG.log(Level.WARNING, "Could not hand " + handovers.size() + " departing users to another node", e);
        }
        send(tracking.takeOwed());
        LOG.info("Left the cluster: handed " + handovers.size() + " users to another node to finish their grace");
    }

    @PreDestroy
    void stop() {
        leave();
        timers.forEach(timer -> timer.cancel(false));
    }
}
