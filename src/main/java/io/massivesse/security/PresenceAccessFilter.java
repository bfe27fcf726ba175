package io.massivesse.security;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.ext.Provider;

import io.massivesse.push.ManagementPort;
import io.massivesse.push.PresenceEndpoint;

/**
 * Presence says who else is online, so only publishers may ask ({@link AccessPolicy}), or anyone who
 * reaches the management port, which stays inside the operator's network.
 */
@Provider
@PresenceEndpoint
@Priority(Priorities.AUTHENTICATION)
@ApplicationScoped
public class PresenceAccessFilter implements ContainerRequestFilter {

    @Inject
    AccessPolicy policy;

    @Inject
    ManagementPort managementPort;

    @Context
    HttpServletRequest request;

    @Override
    public void filter(ContainerRequestContext context) {
        if (managementPort.received(request)) {
            return;
        }
        policy.publisher(context.getHeaderString(HttpHeaders.AUTHORIZATION))
                .ifPresent(refusal -> context.abortWith(refusal.response()));
    }
}
