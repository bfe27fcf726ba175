package io.massivesse.wiring;

import java.util.logging.Logger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.massivesse.event.EventIds;
import io.massivesse.hub.DuplicatePolicy;
import io.massivesse.hub.HistorySettings;
import io.massivesse.hub.HistorySource;
import io.massivesse.hub.Hub;
import io.massivesse.hub.HubMetrics;
import io.massivesse.hub.HubSettings;

/**
 * Makes the node's one {@link Hub} from MicroProfile Config. Every property can be set as an
 * environment variable ({@code sse.buffer.size} is {@code SSE_BUFFER_SIZE}); the defaults are in
 * {@code META-INF/microprofile-config.properties}, the node id's in server.xml.
 */
@ApplicationScoped
public class HubProducer {

    private static final Logger LOG = Logger.getLogger(HubProducer.class.getName());
    private static final String NODE_ID = "[A-Za-z0-9._-]{1,64}";

    @Inject
    HubMetrics metrics;

    /** server.xml's variable (it names the node's durable subscription too), which MicroProfile Config reads. */
    @Inject
    @ConfigProperty(name = "sse.node.id")
    String nodeId;

    @Inject
    @ConfigProperty(name = "sse.buffer.size")
    int bufferSize;

    @Inject
    @ConfigProperty(name = "sse.slow.consumer.seconds")
    int slowConsumerSeconds;

    @Inject
    @ConfigProperty(name = "sse.heartbeat.seconds")
    int heartbeatSeconds;

    @Inject
    @ConfigProperty(name = "sse.retry.millis")
    int retryMillis;

    @Inject
    @ConfigProperty(name = "sse.max.connections")
    int maxConnections;

    @Inject
    @ConfigProperty(name = "sse.max.connections.per.user")
    int maxConnectionsPerUser;

    @Inject
    @ConfigProperty(name = "sse.duplicate.policy")
    String duplicatePolicy;

    @Inject
    @ConfigProperty(name = "sse.history.size")
    int historySize;

    @Inject
    @ConfigProperty(name = "sse.history.user.size")
    int historyUserSize;

    @Inject
    @ConfigProperty(name = "sse.history.ttl.seconds")
    int historyTtlSeconds;

    @Inject
    @ConfigProperty(name = "sse.history.max.bytes")
    long historyMaxBytes;

    @Inject
    @ConfigProperty(name = "sse.replay.max.events")
    int replayMaxEvents;

    @Inject
    @ConfigProperty(name = "sse.replay.max.bytes")
    long replayMaxBytes;

    @Inject
    @ConfigProperty(name = "sse.max.topics.per.connection")
    int maxTopicsPerConnection;

    /** Clients reconnect between sse.retry.millis and that plus this: 100,000 of them not in the same instant. */
    @Inject
    @ConfigProperty(name = "sse.shutdown.spread.millis")
    int shutdownSpreadMillis;

    /** A plain singleton: the hub is not proxied, so the hot path pays no proxy indirection. */
    @Produces
    @Singleton
    Hub hub() {
        if (!nodeId.matches(NODE_ID)) {
            throw new IllegalArgumentException("sse.node.id must match " + NODE_ID + ": " + nodeId);
        }
        HubSettings settings = new HubSettings(nodeId, bufferSize, slowConsumerSeconds, heartbeatSeconds, retryMillis,
                maxConnections, maxConnectionsPerUser, DuplicatePolicy.parse(duplicatePolicy),
                new HistorySettings(historySize, historyUserSize, historyTtlSeconds, historyMaxBytes, replayMaxEvents,
                        replayMaxBytes),
                maxTopicsPerConnection, shutdownSpreadMillis);
        LOG.info("SSE hub started: " + settings);
        return new Hub(settings, metrics);
    }

    /** The history as the other nodes reach it. */
    @Produces
    @Singleton
    HistorySource historySource(Hub hub) {
        return hub.history();
    }

    /** Ids are minted by the node that accepts a publish. */
    @Produces
    @Singleton
    EventIds eventIds(Hub hub) {
        return new EventIds(hub.settings().nodeId());
    }

    void close(@Disposes Hub hub) {
        hub.shutdown();
    }
}
