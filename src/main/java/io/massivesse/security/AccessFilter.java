package io.massivesse.security;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.massivesse.push.ErrorResponses;
import io.massivesse.push.PublishResource;
import io.massivesse.push.SubscribeResource;

/**
 * Who may do what, when {@code SSE_SECURITY=jwt} (the default): a subscriber's token subject must
 * be the {@code userId} it subscribes to; publishing needs the group {@code SSE_PUBLISHER_GROUP}.
 * Subscribers may send the token as {@code ?access_token=} because EventSource cannot set headers.
 */
@Provider
@Priority(Priorities.AUTHENTICATION)
@ApplicationScoped
public class AccessFilter implements ContainerRequestFilter {

    @Inject
    SecurityMode mode;

    @Inject
    TokenVerifier verifier;

    @Inject
    @ConfigProperty(name = "sse.publisher.group", defaultValue = "publisher")
    String publisherGroup;

    @Context
    ResourceInfo resource;

    @Override
    public void filter(ContainerRequestContext request) {
        if (mode.isOpen()) {
            return;
        }
        Class<?> target = resource.getResourceClass();
        boolean subscribe = SubscribeResource.isSubscribe(target);
        if (!subscribe && target != PublishResource.class) {
            return;
        }
        String token = bearer(request.getHeaderString(HttpHeaders.AUTHORIZATION));
        if (token == null && subscribe) {
            token = request.getUriInfo().getQueryParameters().getFirst("access_token");
        }
        if (token == null || token.isBlank()) {
            request.abortWith(unauthorized("a bearer token is required" + (subscribe
                    ? " (Authorization: Bearer <token>, or ?access_token=<token> for EventSource)"
                    : " (Authorization: Bearer <token>)"), false));
            return;
        }
        TokenVerifier.Caller caller;
        try {
            caller = verifier.verify(token);
        } catch (TokenVerifier.InvalidTokenException e) {
            request.abortWith(unauthorized(e.getMessage(), true));
            return;
        }
        if (subscribe) {
            String userId = request.getUriInfo().getPathParameters().getFirst("userId");
            if (!caller.subject().equals(userId)) {
                request.abortWith(ErrorResponses.of(403, "the token is for another user's stream", null));
            }
        } else if (!caller.groups().contains(publisherGroup)) {
            request.abortWith(ErrorResponses.of(403, "publishing needs a token with group '" + publisherGroup + "'", null));
        }
    }

    private static String bearer(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        return authorization.substring(7).trim();
    }

    private static Response unauthorized(String error, boolean invalid) {
        Response base = ErrorResponses.of(401, error, null);
        return Response.fromResponse(base)
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"massive-sse-service\"" + (invalid ? ", error=\"invalid_token\"" : ""))
                .build();
    }
}
