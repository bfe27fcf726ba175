package io.massivesse.push;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;

import org.eclipse.microprofile.config.inject.ConfigProperty;

/** The management endpoint's port (server.xml {@code managementHttpEndpoint}), and whether a request came in on it. */
@ApplicationScoped
public class ManagementPort {

    /** server.xml's variable, which MicroProfile Config reads too: one default for both. */
    @Inject
    @ConfigProperty(name = "management.port")
    int port;

    public int number() {
        return port;
    }

    public boolean received(HttpServletRequest request) {
        return request.getLocalPort() == port;
    }
}
