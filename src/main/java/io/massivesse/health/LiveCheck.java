package io.massivesse.health;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

import io.massivesse.hub.Hub;

/**
 * {@code /health/live}: the hub still works. DOWN when its heartbeat has not ticked for three
 * intervals, one event's fan-out has been running for over {@link #STUCK_DISPATCH_MILLIS}, or a closed
 * connection has waited that long to leave the hub: each means streams get nothing (or closed ones hold the
 * node's capacity for good), and a restart is the cure.
 */
@Liveness
@ApplicationScoped
public class LiveCheck implements HealthCheck {

    static final long STUCK_DISPATCH_MILLIS = 10_000;

    @Inject
    Hub hub;

    @Override
    public HealthCheckResponse call() {
        long sinceBeat = hub.millisSinceHeartbeat();
        long dispatchBusy = hub.dispatchBusyMillis();
        long departuresBehind = hub.departuresBehindMillis();
        boolean heartbeatAlive = hub.isDraining() || sinceBeat < 3_000L * hub.settings().heartbeatSeconds() + 5_000;
        return HealthCheckResponse.named("sse-hub")
                .status(heartbeatAlive && dispatchBusy < STUCK_DISPATCH_MILLIS && departuresBehind < STUCK_DISPATCH_MILLIS)
                .withData("millisSinceHeartbeat", sinceBeat)
                .withData("dispatchBusyMillis", dispatchBusy)
                .withData("departuresBehindMillis", departuresBehind)
                .build();
    }
}
