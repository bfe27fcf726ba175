package io.massivesse.hub;

import java.util.Optional;
import java.util.logging.Logger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.massivesse.push.EventIds;

/**
 * Makes the node's one {@link Hub} from MicroProfile Config. Every property can be set as an
 * environment variable: {@code sse.buffer.size} is {@code SSE_BUFFER_SIZE}.
 */
@ApplicationScoped
public class HubProducer {

    private static final Logger LOG = Logger.getLogger(HubProducer.class.getName());

    @Inject
    HubMetrics metrics;

    @Inject
    @ConfigProperty(name = "sse.node.id")
    Optional<String> nodeId;

    /** The default node id, {@code node-<http port>}, is the one server.xml names the durable subscription with. */
    @Inject
    @ConfigProperty(name = "http.port", defaultValue = "9080")
    String httpPort;

    @Inject
    @ConfigProperty(name = "sse.buffer.size", defaultValue = "1000")
    int bufferSize;

    @Inject
    @ConfigProperty(name = "sse.slow.consumer.seconds", defaultValue = "30")
    int slowConsumerSeconds;

    @Inject
    @ConfigProperty(name = "sse.heartbeat.seconds", defaultValue = "30")
    int heartbeatSeconds;

    @Inject
    @ConfigProperty(name = "sse.retry.millis", defaultValue = "3000")
    int retryMillis;

    @Inject
    @ConfigProperty(name = "sse.max.connections", defaultValue = "18000")
    int maxConnections;

    @Inject
    @ConfigProperty(name = "sse.max.connections.per.user", defaultValue = "5")
    int maxConnectionsPerUser;

    @Inject
    @ConfigProperty(name = "sse.duplicate.policy", defaultValue = "replace")
    String duplicatePolicy;

    @Inject
    @ConfigProperty(name = "sse.replay.size", defaultValue = "10000")
    int replaySize;

    @Inject
    @ConfigProperty(name = "sse.replay.max.bytes", defaultValue = "67108864")
    long replayMaxBytes;

    /** A plain singleton: the hub is not proxied, so the hot path pays no proxy indirection. */
    @Produces
    @Singleton
    Hub hub() {
        HubSettings settings = new HubSettings(nodeId.filter(id -> !id.isBlank()).orElse("node-" + httpPort),
                bufferSize, slowConsumerSeconds, heartbeatSeconds, retryMillis, maxConnections, maxConnectionsPerUser,
                DuplicatePolicy.parse(duplicatePolicy), replaySize, replayMaxBytes);
        if (!settings.nodeId().matches(NODE_ID)) {
            throw new IllegalArgumentException("sse.node.id must match " + NODE_ID + ": " + settings.nodeId());
        }
        LOG.info("SSE hub started: " + settings);
        return new Hub(settings, metrics);
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

    private static final String NODE_ID = "[A-Za-z0-9._-]{1,64}";

}
