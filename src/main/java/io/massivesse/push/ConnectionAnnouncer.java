package io.massivesse.push;

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
import io.massivesse.relay.JmsMessages;
import io.massivesse.relay.Publisher;
import io.massivesse.relay.RelayUnavailableException;

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
    /** Lines per message at most (~40 bytes each). */
    private static final int MAX_BATCH = 5_000;

    @Inject
    Hub hub;

    @Inject
    Publisher publisher;

    /** A container-managed timer: the JMS connection factory is used from a thread the server knows. */
    @Resource
    ManagedScheduledExecutorService scheduler;

    private final ConcurrentLinkedQueue<JmsMessages.Opened> pending = new ConcurrentLinkedQueue<>();
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

    public void announce(Subscriber subscriber) {
        if (hub.settings().duplicatePolicy() == DuplicatePolicy.REPLACE) {
            pending.add(new JmsMessages.Opened(subscriber.userId(), subscriber.openedAt()));
        }
    }

    void flush() {
        while (!pending.isEmpty()) {
            List<JmsMessages.Opened> batch = new ArrayList<>();
            JmsMessages.Opened next;
            while (batch.size() < MAX_BATCH && (next = pending.poll()) != null) {
                batch.add(next);
            }
            try {
                publisher.announceConnections(hub.settings().nodeId(), batch);
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
