package io.massivesse.security;

import java.util.logging.Logger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * {@code SSE_SECURITY}: {@code jwt} (the default) checks tokens on subscribe and publish;
 * {@code open} checks nothing and says so loudly at start - for trying the service locally.
 */
@ApplicationScoped
public class SecurityMode {

    private static final Logger LOG = Logger.getLogger(SecurityMode.class.getName());

    @Inject
    @ConfigProperty(name = "sse.security")
    String mode;

    public boolean isOpen() {
        return "open".equalsIgnoreCase(mode.trim());
    }

    void onStart(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        String value = mode.trim().toLowerCase();
        if (!value.equals("open") && !value.equals("jwt")) {
            throw new IllegalArgumentException("sse.security must be 'jwt' or 'open', not '" + mode + "'");
        }
        if (isOpen()) {
            LOG.warning("SECURITY IS OFF (SSE_SECURITY=open): anyone can read any user's stream and publish to "
                    + "everyone. For local trials only; README, Security, says how to run with tokens.");
        } else {
            LOG.info("Security: JWT bearer tokens required to subscribe and to publish");
        }
    }
}
