package io.massivesse.health;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Startup;

import io.massivesse.hub.Hub;

/** {@code /health/started}: UP once the application has started and its hub exists. */
@Startup
@ApplicationScoped
public class StartedCheck implements HealthCheck {

    @Inject
    Hub hub;

    private volatile boolean started;

    void onStart(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        started = true;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("sse-started")
                .status(started)
                .withData("node", hub.settings().nodeId())
                .build();
    }
}
