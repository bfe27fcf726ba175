package io.massivesse.health;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import io.massivesse.hub.Hub;
import io.massivesse.relay.EventRelay;

/**
 * {@code /health/ready}: whether a load balancer should send new subscribers here. DOWN while the
 * relay cannot reach the broker, while the node drains for shutdown, at connection capacity, and while a starting
 * node fills its history from a running one.
 */
@Readiness
@ApplicationScoped
public class ReadyCheck implements HealthCheck {

    @Inject
    Hub hub;

    @Inject
    EventRelay relay;

    @Override
    public HealthCheckResponse call() {
        int active = hub.activeConnections();
        int capacity = hub.settings().maxConnections();
        boolean relayUp = relay.isAvailable();
        boolean draining = hub.isDraining();
        boolean filled = hub.history().isFilled();
        return HealthCheckResponse.named("sse-node")
                .status(relayUp && !draining && active < capacity && filled)
                .withData("node", hub.settings().nodeId())
                .withData("activeConnections", active)
                .withData("capacity", capacity)
                .withData("relay", relayUp ? "connected" : "disconnected")
                .withData("draining", draining)
                .withData("history", filled ? "filled" : "filling from a running node")
                .build();
    }
}
