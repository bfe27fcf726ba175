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

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.massivesse.push.CallerAttributes;
import io.massivesse.push.SubscribeEndpoint;

/**
 * Subscribing needs a token for the stream's own user, unless security is off ({@link AccessPolicy}); the
 * stream then ends when the token expires, unless {@code sse.token.expiry.ends.stream} is false.
 */
@Provider
@SubscribeEndpoint
@Priority(Priorities.AUTHENTICATION)
@ApplicationScoped
public class SubscribeAccessFilter implements ContainerRequestFilter {

    @Inject
    AccessPolicy policy;

    @Inject
    @ConfigProperty(name = "sse.token.expiry.ends.stream")
    boolean expiryEndsStream;

    @Override
    public void filter(ContainerRequestContext request) {
        policy.subscriber(request.getHeaderString(HttpHeaders.AUTHORIZATION),
                        request.getUriInfo().getQueryParameters().getFirst("access_token"),
                        request.getUriInfo().getPathParameters().getFirst("userId"),
                        request.getUriInfo().getQueryParameters().getOrDefault("topic", List.of()),
                        caller -> {
                            if (expiryEndsStream) {
                                request.setProperty(CallerAttributes.STREAM_ENDS_AT, caller.validUntil().toEpochMilli());
                            }
                        })
                .ifPresent(refusal -> request.abortWith(refusal.response()));
    }
}
