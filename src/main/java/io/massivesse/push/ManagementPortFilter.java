package io.massivesse.push;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.ext.Provider;

/**
 * Keeps subscribers off the management port (server.xml {@code managementHttpEndpoint}): it exists
 * so health, metrics and publishing stay reachable when streams fill the public port.
 */
@Provider
@SubscribeEndpoint
@ApplicationScoped
public class ManagementPortFilter implements ContainerRequestFilter {

    @Inject
    ManagementPort managementPort;

    @Context
    HttpServletRequest request;

    @Override
    public void filter(ContainerRequestContext context) {
        if (managementPort.received(request)) {
            context.abortWith(ErrorResponses.of(403,
                    "port " + managementPort.number() + " is for management and publishing; subscribe on the public HTTP port", null));
        }
    }
}
