package io.massivesse.ops;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.massivesse.hub.Hub;
import io.massivesse.hub.KeptEvent;
import io.massivesse.relay.HistoryRelay;
import io.massivesse.relay.RelayUnavailableException;

/**
 * At start, takes a running node's history before this node reports ready, so a client that resumes here after a
 * rolling restart gets what it missed, not a reset. Events that arrive meanwhile are kept too: the fill puts the
 * other node's history before them and drops what both have.
 */
@ApplicationScoped
public class HistoryFill {

    private static final Logger LOG = Logger.getLogger(HistoryFill.class.getName());
    /** Every outcome's log line starts so: scripts wait for it before they count a node as up. */
    static final String READY = "History at start: ";

    @Inject
    Hub hub;

    @Inject
    HistoryRelay relay;

    @Inject
    @ConfigProperty(name = "sse.history.fill.timeout.seconds")
    int timeoutSeconds;

    void onStart(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        if (hub.settings().history().ttlSeconds() == 0) {
            hub.history().markFilled();
            LOG.info(READY + "off (SSE_HISTORY_TTL_SECONDS=0)");
            return;
        }
        Thread filler = new Thread(this::fill, "sse-history-fill");
        filler.setDaemon(true);
        filler.start();
    }

    private void fill() {
        long start = System.nanoTime();
        try {
            List<KeptEvent> older = relay.fetch(TimeUnit.SECONDS.toMillis(timeoutSeconds));
            if (!older.isEmpty()) {
                hub.history().fill(older);
            }
            LOG.info(() -> READY + (older.isEmpty() ? "no running node offered its history; this node's starts now"
                    : "filled with " + older.size() + " ids from a running node") + " ("
                    + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + " ms)");
        } catch (RelayUnavailableException | RuntimeException e) {
            LOG.log(Level.WARNING, READY + "could not fill it from a running node; this node's starts now", e);
        } finally {
            hub.history().markFilled();
        }
    }
}
