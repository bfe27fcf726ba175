package io.massivesse.wiring;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.massivesse.hub.Hub;
import io.massivesse.presence.PresenceSettings;
import io.massivesse.relay.RelaySettings;

/**
 * Makes the settings of the relay and of presence from MicroProfile Config, as {@link HubProducer} makes the hub's:
 * the node id comes from the hub's settings, read once there; the defaults are in
 * {@code META-INF/microprofile-config.properties}, the topic's name in server.xml.
 */
@ApplicationScoped
public class ClusterProducer {

    @Inject
    @ConfigProperty(name = "sse.topic")
    String topicName;

    @Inject
    @ConfigProperty(name = "sse.relay.ttl.seconds")
    long ttlSeconds;

    @Inject
    @ConfigProperty(name = "sse.relay.persistent")
    boolean persistent;

    @Inject
    @ConfigProperty(name = "sse.presence.enabled")
    boolean presenceEnabled;

    @Inject
    @ConfigProperty(name = "sse.presence.grace.seconds")
    long graceSeconds;

    @Inject
    @ConfigProperty(name = "sse.presence.node.interval.seconds")
    long nodeIntervalSeconds;

    /** A drained client waits up to the retry plus the spread before it reconnects: its grace starts after that. */
    @Produces
    @Singleton
    PresenceSettings presenceSettings(Hub hub) {
        return new PresenceSettings(hub.settings().nodeId(), graceSeconds * 1000,
                hub.settings().retryMillis() + hub.settings().shutdownSpreadMillis(), nodeIntervalSeconds * 1000, presenceEnabled);
    }

    @Produces
    @Singleton
    RelaySettings relaySettings(Hub hub, PresenceSettings presence) {
        return new RelaySettings(hub.settings().nodeId(), topicName, ttlSeconds * 1000, persistent,
                presence.nodeDownMillis());
    }
}
