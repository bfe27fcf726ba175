package io.massivesse.security;

import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.massivesse.event.Topics;
import io.massivesse.push.ErrorResponses;

/**
 * Who may do what when {@code SSE_SECURITY=jwt} (in {@code open} mode, anyone): a subscriber's token
 * subject must be the {@code userId} it subscribes to, and its {@code topics} claim must allow every topic
 * it asks for; publishing (and changing subscriptions) needs the group {@code SSE_PUBLISHER_GROUP}.
 * Subscribers may send the token as {@code ?access_token=} because EventSource cannot set headers;
 * publishers only in the {@code Authorization} header.
 */
@ApplicationScoped
public class AccessPolicy {

    /** Why a request was refused: its status, the sentence for the client, and whether the token itself was bad. */
    public record Refusal(int status, String error, boolean invalidToken) {

        /** The JSON error, with the {@code WWW-Authenticate} challenge a 401 carries. */
        public Response response() {
            Response base = ErrorResponses.of(status, error, null);
            if (status != 401) {
                return base;
            }
            return Response.fromResponse(base).header(HttpHeaders.WWW_AUTHENTICATE,
                    "Bearer realm=\"massive-sse-service\"" + (invalidToken ? ", error=\"invalid_token\"" : "")).build();
        }
    }

    @Inject
    SecurityMode mode;

    @Inject
    TokenVerifier verifier;

    @Inject
    @ConfigProperty(name = "sse.publisher.group")
    String publisherGroup;

    AccessPolicy() {
    }

    AccessPolicy(SecurityMode mode, TokenVerifier verifier, String publisherGroup) {
        this.mode = mode;
        this.verifier = verifier;
        this.publisherGroup = publisherGroup;
    }

    /**
     * @param authorization the {@code Authorization} header, or {@code null}
     * @param queryToken    the {@code access_token} query parameter, or {@code null}
     * @param userId        the stream asked for
     * @param topics        the topics asked for ({@code ?topic=}), each allowed by the token's {@code topics} claim
     */
    public Optional<Refusal> subscriber(String authorization, String queryToken, String userId, List<String> topics) {
        return subscriber(authorization, queryToken, userId, topics, caller -> { });
    }

    /** As above; {@code accepted} is given the caller of a token that is let through (never in open mode). */
    public Optional<Refusal> subscriber(String authorization, String queryToken, String userId, List<String> topics,
                                        Consumer<TokenVerifier.Caller> accepted) {
        String token = bearer(authorization);
        return check(token != null ? token : queryToken, accepted,
                "(Authorization: Bearer <token>, or ?access_token=<token> for EventSource)",
                caller -> {
                    if (!caller.subject().equals(userId)) {
                        return Optional.of(new Refusal(403, "the token is for another user's stream", false));
                    }
                    Topics allowed = Topics.of(caller.topics());
                    return topics.stream().filter(topic -> !allowed.allow(topic)).findFirst()
                            .map(topic -> new Refusal(403, "the token does not allow topic '" + topic
                                    + "' (claim '" + TokenVerifier.TOPICS_CLAIM + "')", false));
                });
    }

    /** @param authorization the {@code Authorization} header, or {@code null} */
    public Optional<Refusal> publisher(String authorization) {
        return publisher(authorization, caller -> { });
    }

    /** As above; {@code accepted} is given the caller of a token that is let through (never in open mode). */
    public Optional<Refusal> publisher(String authorization, Consumer<TokenVerifier.Caller> accepted) {
        return check(bearer(authorization), accepted, "(Authorization: Bearer <token>)",
                caller -> caller.groups().contains(publisherGroup) ? Optional.empty()
                        : Optional.of(new Refusal(403, "publishing needs a token with group '" + publisherGroup + "'", false)));
    }

    /** Nothing is checked in open mode; otherwise the token must be there and valid, and the caller allowed. */
    private Optional<Refusal> check(String token, Consumer<TokenVerifier.Caller> accepted, String whereTokensGo,
                                    Function<TokenVerifier.Caller, Optional<Refusal>> allowed) {
        if (mode.isOpen()) {
            return Optional.empty();
        }
        if (token == null || token.isBlank()) {
            return Optional.of(new Refusal(401, "a bearer token is required " + whereTokensGo, false));
        }
        try {
            TokenVerifier.Caller caller = verifier.verify(token);
            Optional<Refusal> refusal = allowed.apply(caller);
            if (refusal.isEmpty()) {
                accepted.accept(caller);
            }
            return refusal;
        } catch (TokenVerifier.InvalidTokenException e) {
            return Optional.of(new Refusal(401, e.getMessage(), true));
        }
    }

    private static String bearer(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        return authorization.substring(7).trim();
    }
}
