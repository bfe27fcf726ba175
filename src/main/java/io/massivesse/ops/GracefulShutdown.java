package io.massivesse.ops;

import java.lang.management.ManagementFactory;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.massivesse.hub.Hub;
import io.massivesse.presence.ClusterPresence;

/**
 * Drains the node when the server stops. Liberty stops an application only after its quiesce
 * period, which waits for open requests - and an SSE stream is one - for up to 30 s. Its first
 * step, though, is pausing the HTTP endpoints; this bean watches for that through the kernel's
 * {@code ServerEndpointControl} MBean and drains then: readiness DOWN, every stream told to
 * reconnect elsewhere with a spread retry hint, streams ended, so the quiesce ends early.
 */
@ApplicationScoped
public class GracefulShutdown {

    private static final Logger LOG = Logger.getLogger(GracefulShutdown.class.getName());
    private static final String ENDPOINT_CONTROL = "WebSphere:feature=kernel,name=ServerEndpointControl";
    private static final long WATCH_MILLIS = 200;

    @Inject
    Hub hub;

    @Inject
    ClusterPresence cluster;

    /** How long a stop waits for streams to end after the goodbye frames were queued. */
    @Inject
    @ConfigProperty(name = "sse.shutdown.grace.seconds")
    int graceSeconds;

    /** The id of server.xml's public httpEndpoint, the one whose pause means the server is stopping. */
    @Inject
    @ConfigProperty(name = "sse.http.endpoint")
    String endpointId;

    private ScheduledExecutorService watcher;

    void onStart(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName control;
        try {
            control = new ObjectName(ENDPOINT_CONTROL);
            if (!server.isRegistered(control)) {
                LOG.warning("No " + ENDPOINT_CONTROL + " MBean: streams are drained only when the application stops");
                return;
            }
        } catch (JMException e) {
            LOG.log(Level.WARNING, "Cannot watch for server stop", e);
            return;
        }
        watcher = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "sse-shutdown-watch");
            thread.setDaemon(true);
            return thread;
        });
        boolean[] seenRunning = {false};
        watcher.scheduleWithFixedDelay(() -> {
            boolean paused = isPaused(server, control);
            // A stop is the endpoint going from running to paused: under Liberty's Netty transport (beta)
            // the MBean calls an endpoint it does not control paused from the start.
            if (!paused) {
                seenRunning[0] = true;
            } else if (seenRunning[0] && !hub.isDraining()) {
                LOG.info("HTTP endpoint " + endpointId + " paused: the server is stopping");
                drainAndWait();
            }
        }, WATCH_MILLIS, WATCH_MILLIS, TimeUnit.MILLISECONDS);
    }

    private boolean isPaused(MBeanServer server, ObjectName control) {
        try {
            return (Boolean) server.invoke(control, "isPaused", new Object[] {endpointId},
                    new String[] {String.class.getName()});
        } catch (JMException | RuntimeException e) {
            LOG.log(Level.FINE, "isPaused failed", e);
            return false;
        }
    }

    /**
     * Leaves the cluster's presence, drains, then waits (bounded) until every stream has ended. Leaving
     * comes first: as the streams end Liberty goes on stopping the application, and the broker
     * connections with it (measured: with 15,000 streams the application was being destroyed before
     * the drain had told the last of them).
     */
    void drainAndWait() {
        cluster.leave();
        hub.drain(hub.settings().shutdownSpreadMillis());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(graceSeconds);
        while (hub.activeConnections() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        int left = hub.activeConnections();
        if (left > 0) {
            LOG.warning(left + " streams had not ended " + graceSeconds + " s after the drain; the server closes them");
        } else {
            LOG.info("Drained: every stream ended");
        }
    }

    @PreDestroy
    void stop() {
        if (watcher != null) {
            watcher.shutdownNow();
        }
        if (!hub.isDraining()) {
            drainAndWait();
        }
    }
}
