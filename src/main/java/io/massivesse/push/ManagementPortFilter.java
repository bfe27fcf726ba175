package io.massivesse.push;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.ext.Provider;

import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Keeps subscribers off the management port (server.xml {@code managementHttpEndpoint}): it exists
 * so health, metrics and publishing stay reachable when streams fill the public port.
 */
@Provider
public class ManagementPortFilter implements ContainerRequestFilter {

    private final int managementPort = ConfigProvider.getConfig()
            .getOptionalValue("management.port", Integer.class).orElse(-1);

    @Context
    HttpServletRequest request;

    @Context
    ResourceInfo resource;

    @Override
    public void filter(ContainerRequestContext context) {
        if (request.getLocalPort() == managementPort && SubscribeResource.isSubscribe(resource.getResourceClass())) {
            context.abortWith(ErrorResponses.of(403,
                    "port " + managementPort + " is for management and publishing; subscribe on the public HTTP port", null));
        }
    }
}
