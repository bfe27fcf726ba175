package io.massivesse.relay;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import io.massivesse.hub.DuplicatePolicy;
import io.massivesse.hub.Hub;
import io.massivesse.hub.Subscriber;

/**
 * Under {@code replace}, tells the other nodes about new connections so they close the users' older
 * ones. Connections are announced in batches, every {@link #INTERVAL_MILLIS}: a ramp of thousands of
 * connects per second costs a few messages per second per node, not one per connect for every node
 * to consume (measured: one message per connect made the 100,000-connection ramp CPU-bound).
 */
@ApplicationScoped
public class ConnectionAnnouncer {

    private static final Logger LOG = Logger.getLogger(ConnectionAnnouncer.class.getName());
    static final long INTERVAL_MILLIS = 100;
    /** Connections per announcement at most (~40 bytes each on the wire). */
    static final int MAX_BATCH = 5_000;

    @Inject
    Hub hub;

    @Inject
    Relay relay;

    /** A container-managed timer: the relay's connection factory is used from a thread the server knows. */
    @Resource
    ManagedScheduledExecutorService scheduler;

    private final ConcurrentLinkedQueue<OpenedConnection> pending = new ConcurrentLinkedQueue<>();
    private ScheduledFuture<?> flusher;

    @PostConstruct
    void start() {
        flusher = scheduler.scheduleWithFixedDelay(this::flush, INTERVAL_MILLIS, INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** Creates the bean (and its timer) at start. */
    void onStart(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        // Observing the event is enough: CDI creates the bean to deliver it.
    }

    @PreDestroy
    void stop() {
        if (flusher != null) {
            flusher.cancel(false);
        }
    }

    /** Queues the connection for the next announcement; only {@code replace} needs the other nodes to know. */
    public void announce(Subscriber subscriber) {
        if (hub.settings().duplicatePolicy() == DuplicatePolicy.REPLACE) {
            pending.add(new OpenedConnection(subscriber.userId(), subscriber.openedAt()));
        }
    }

    /** Sends what is pending, in batches of at most {@link #MAX_BATCH}. */
    void flush() {
        while (!pending.isEmpty()) {
            List<OpenedConnection> batch = new ArrayList<>();
            OpenedConnection next;
            while (batch.size() < MAX_BATCH && (next = pending.poll()) != null) {
                batch.add(next);
            }
            try {
                relay.announceConnections(hub.settings().nodeId(), batch);
            } catch (RelayUnavailableException | RuntimeException e) {
                // Best effort: the streams work without it, only duplicates on other nodes stay open.
                // Dropping what is pending keeps a broker outage from piling announcements up.
                pending.clear();
                LOG.fine(() -> "could not announce " + batch.size() + " connections: " + e.getMessage());
                return;
            }
        }
    }
}
