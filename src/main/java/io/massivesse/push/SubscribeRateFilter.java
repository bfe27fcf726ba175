package io.massivesse.push;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.ext.Provider;

/** Subscribes per client address: before the token is checked, so a storm costs no signature checks. */
@Provider
@SubscribeEndpoint
@Priority(Priorities.AUTHENTICATION - 100)
@ApplicationScoped
public class SubscribeRateFilter implements ContainerRequestFilter {

    @Inject
    RateLimits limits;

    @Context
    HttpServletRequest request;

    @Override
    public void filter(ContainerRequestContext context) {
        limits.subscribe(request).ifPresent(context::abortWith);
    }
}
