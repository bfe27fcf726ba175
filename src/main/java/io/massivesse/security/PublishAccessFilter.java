package io.massivesse.security;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.ext.Provider;

import io.massivesse.push.CallerAttributes;
import io.massivesse.push.PublishEndpoint;

/** Publishing needs a token with the publisher group, unless security is off ({@link AccessPolicy}). */
@Provider
@PublishEndpoint
@Priority(Priorities.AUTHENTICATION)
@ApplicationScoped
public class PublishAccessFilter implements ContainerRequestFilter {

    @Inject
    AccessPolicy policy;

    @Override
    public void filter(ContainerRequestContext request) {
        policy.publisher(request.getHeaderString(HttpHeaders.AUTHORIZATION),
                        caller -> request.setProperty(CallerAttributes.SUBJECT, caller.subject()))
                .ifPresent(refusal -> request.abortWith(refusal.response()));
    }
}
