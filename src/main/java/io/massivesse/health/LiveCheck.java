package io.massivesse.health;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

import io.massivesse.hub.Hub;

/**
 * {@code /health/live}: the hub still works. DOWN when its heartbeat has not ticked for three
 * intervals or one event's fan-out has been running for over {@link #STUCK_DISPATCH_MILLIS}:
 * either means streams get nothing, and a restart is the cure.
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
        boolean heartbeatAlive = hub.isDraining() || sinceBeat < 3_000L * hub.settings().heartbeatSeconds() + 5_000;
        return HealthCheckResponse.named("sse-hub")
                .status(heartbeatAlive && dispatchBusy < STUCK_DISPATCH_MILLIS)
                .withData("millisSinceHeartbeat", sinceBeat)
                .withData("dispatchBusyMillis", dispatchBusy)
                .build();
    }
}
