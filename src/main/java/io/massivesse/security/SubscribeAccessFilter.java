package io.massivesse.security;

import java.util.List;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.ext.Provider;

import io.massivesse.push.SubscribeEndpoint;

/** Subscribing needs a token for the stream's own user, unless security is off ({@link AccessPolicy}). */
@Provider
@SubscribeEndpoint
@Priority(Priorities.AUTHENTICATION)
@ApplicationScoped
public class SubscribeAccessFilter implements ContainerRequestFilter {

    @Inject
    AccessPolicy policy;

    @Override
    public void filter(ContainerRequestContext request) {
        policy.subscriber(request.getHeaderString(HttpHeaders.AUTHORIZATION),
                        request.getUriInfo().getQueryParameters().getFirst("access_token"),
                        request.getUriInfo().getPathParameters().getFirst("userId"),
                        request.getUriInfo().getQueryParameters().getOrDefault("topic", List.of()))
                .ifPresent(refusal -> request.abortWith(refusal.response()));
    }
}
