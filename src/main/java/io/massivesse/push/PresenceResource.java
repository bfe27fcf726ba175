package io.massivesse.push;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.spi.JsonProvider;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.massivesse.event.FieldRules;
import io.massivesse.presence.ClusterPresence;
import io.massivesse.presence.Presence;
import io.massivesse.presence.PresenceAnswer;
import io.massivesse.presence.PresenceQuestion;
import io.massivesse.presence.PresenceRelay;
import io.massivesse.relay.RelayUnavailableException;

/**
 * {@code GET /sse/presence/{userId}} and {@code GET /sse/presence?topic=}: who is connected, for the
 * whole cluster. Every live node answers for its own connections through the broker; a node that does
 * not answer within {@code SSE_PRESENCE_QUERY_TIMEOUT_MILLIS} is named in {@code unreachable}.
 */
@Path("/presence")
@PresenceEndpoint
@ApplicationScoped
@Tag(name = "presence", description = "Who is connected, cluster-wide")
@Produces(MediaType.APPLICATION_JSON)
public class PresenceResource {

    /** Looked up once: Json's static methods look the provider up again on every call, which showed in profiles. */
    private static final JsonProvider JSON = JsonProvider.provider();

    static final int MAX_LIMIT = 1_000;

    @Inject
    PresenceRelay relay;

    @Inject
    ClusterPresence cluster;

    @Inject
    @ConfigProperty(name = "sse.presence.query.timeout.millis")
    long timeoutMillis;

    @GET
    @Path("/{userId}")
    @Operation(summary = "Whether a user is connected anywhere in the cluster, and where")
    @APIResponse(responseCode = "200", description = "The user's connections on every node that answered",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, examples = @ExampleObject(name = "online",
                    value = "{\"userId\":\"alice\",\"online\":true,\"connections\":[{\"node\":\"node2\","
                            + "\"since\":\"2026-12-01T09:30:00Z\",\"topics\":[\"orders/42\"]}],\"unreachable\":[]}")))
    @APIResponse(responseCode = "400", description = "Bad userId")
    @APIResponse(responseCode = "404", description = "Presence is off on this node (SSE_PRESENCE_ENABLED=false)")
    @APIResponse(responseCode = "503", description = "The broker is unavailable: retry after Retry-After")
    public String user(@Parameter(description = "The user asked about", example = "alice") @PathParam("userId") String userId) {
        ApiException.refuseIf(FieldRules.userIdProblem(userId));
        Asked asked = ask(PresenceQuestion.user(userId));
        JsonArrayBuilder connections = JSON.createArrayBuilder();
        List<Located> located = new ArrayList<>();
        for (PresenceAnswer answer : asked.answers()) {
            answer.connections().forEach(connection -> located.add(new Located(answer.node(), connection)));
        }
        located.sort(Comparator.comparing(Located::node).thenComparingLong(l -> l.connection().since()));
        for (Located one : located) {
            connections.add(JSON.createObjectBuilder().add("node", one.node())
                    .add("since", Instant.ofEpochMilli(one.connection().since()).toString())
                    .add("topics", JSON.createArrayBuilder(one.connection().topics())));
        }
        return JSON.createObjectBuilder().add("userId", userId).add("online", !located.isEmpty())
                .add("connections", connections).add("unreachable", JSON.createArrayBuilder(asked.unreachable()))
                .build().toString();
    }

    @GET
    @Operation(summary = "How many users listen to a topic cluster-wide, and up to limit of them")
    @APIResponse(responseCode = "200", description = "The topic's subscribers on every node that answered",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, examples = @ExampleObject(name = "topic",
                    value = "{\"topic\":\"orders/42\",\"subscribers\":2,\"users\":[\"alice\",\"bob\"],\"unreachable\":[]}")))
    @APIResponse(responseCode = "400", description = "No or a bad topic, or a limit outside 1-1000")
    @APIResponse(responseCode = "404", description = "Presence is off on this node (SSE_PRESENCE_ENABLED=false)")
    @APIResponse(responseCode = "503", description = "The broker is unavailable: retry after Retry-After")
    public String topic(@Parameter(description = "A topic name (users an event to it reaches, also through prefixes) "
                                + "or a prefix ending in /* (users who asked for that prefix)", example = "orders/42")
                        @QueryParam("topic") String topic,
                        @Parameter(description = "How many user ids to list (1-1000); the count is always complete")
                        @QueryParam("limit") @DefaultValue("100") String limitParameter) {
        if (topic == null) {
            throw new ApiException(400, "the topic query parameter is required");
        }
        ApiException.refuseIf(FieldRules.topicSelectorProblem(topic));
        int limit = limitOf(limitParameter);
        Asked asked = ask(PresenceQuestion.topic(topic));
        Set<String> users = new TreeSet<>();
        asked.answers().forEach(answer -> users.addAll(answer.users()));
        return JSON.createObjectBuilder().add("topic", topic).add("subscribers", users.size())
                .add("users", JSON.createArrayBuilder(users.stream().limit(limit).toList()))
                .add("unreachable", JSON.createArrayBuilder(asked.unreachable())).build().toString();
    }

    private record Located(String node, PresenceAnswer.Connection connection) {
    }

    private record Asked(List<PresenceAnswer> answers, List<String> unreachable) {
    }

    private Asked ask(PresenceQuestion question) {
        Presence presence = cluster.presence();
        if (presence == null) {
            throw new ApiException(404, "presence is off on this node (SSE_PRESENCE_ENABLED=false)");
        }
        Set<String> expected = presence.liveNodes();
        List<PresenceAnswer> answers;
        try {
            answers = relay.ask(question, expected, timeoutMillis);
        } catch (RelayUnavailableException e) {
            throw new ApiException(503, "presence cannot be asked now (" + e.getMessage() + "); retry", 2);
        }
        Set<String> missing = new TreeSet<>(expected);
        answers.forEach(answer -> missing.remove(answer.node()));
        return new Asked(answers, List.copyOf(missing));
    }

    /** Read here rather than by JAX-RS, which answers a parameter that is not a number with 404. */
    private static int limitOf(String parameter) {
        try {
            int limit = Integer.parseInt(parameter.trim());
            if (limit >= 1 && limit <= MAX_LIMIT) {
                return limit;
            }
        } catch (NumberFormatException notANumber) {
            // Refused below, as a limit out of range is.
        }
        throw new ApiException(400, "limit must be 1-" + MAX_LIMIT);
    }
}
