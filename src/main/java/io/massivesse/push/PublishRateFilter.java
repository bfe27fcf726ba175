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

/** Publishes per publisher: after authentication, so a publisher is known by its token's subject. */
@Provider
@PublishEndpoint
@Priority(Priorities.AUTHORIZATION)
@ApplicationScoped
public class PublishRateFilter implements ContainerRequestFilter {

    @Inject
    RateLimits limits;

    @Context
    HttpServletRequest request;

    @Override
    public void filter(ContainerRequestContext context) {
        limits.publish(request).ifPresent(context::abortWith);
    }
}
