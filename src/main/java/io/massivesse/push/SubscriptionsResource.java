package io.massivesse.push;

import java.io.InputStream;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.spi.JsonProvider;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.massivesse.event.FieldRules;
import io.massivesse.hub.Hub;
import io.massivesse.relay.EventRelay;
import io.massivesse.relay.RelayUnavailableException;

/**
 * {@code POST /sse/subscriptions/{userId}}: changes the topics of the user's connections open now, on
 * every node (through the relay). A connection opened later listens to the topics it asks for itself.
 */
@Path("/subscriptions/{userId}")
@PublishEndpoint
@ApplicationScoped
@Tag(name = "publish")
public class SubscriptionsResource {

    /** Looked up once: Json's static methods look the provider up again on every call, which showed in profiles. */
    private static final JsonProvider JSON = JsonProvider.provider();

    @Inject
    EventRelay relay;

    @Inject
    Hub hub;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Add topics to, or remove them from, the user's open connections on every node")
    @APIResponse(responseCode = "202", description = "Accepted: every node applies it to the user's connections open then",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, examples = @ExampleObject(name = "accepted",
                    value = "{\"userId\":\"alice\",\"add\":[\"orders/42\"],\"remove\":[]}")))
    @APIResponse(responseCode = "400", description = "Bad userId or topic, malformed JSON, nothing to change, too many topics")
    @APIResponse(responseCode = "415", description = "The body is not application/json")
    @APIResponse(responseCode = "429", description = "This publisher is over SSE_RATE_PUBLISH_PER_SECOND: retry after Retry-After")
    @APIResponse(responseCode = "503", description = "The broker cannot take the change now: retry after Retry-After")
    public Response change(@Parameter(description = "The user whose connections change", example = "alice")
                           @PathParam("userId") String userId,
                           @RequestBody(description = "Topics (names or prefixes ending in /*) to add and to remove",
                                   content = @Content(mediaType = MediaType.APPLICATION_JSON, examples = @ExampleObject(
                                           name = "change", value = "{\"add\":[\"orders/42\",\"tenants/acme/*\"],\"remove\":[\"orders/41\"]}")))
                           InputStream body) {
        ApiException.refuseIf(FieldRules.userIdProblem(userId));
        SubscriptionChange change = SubscriptionChange.parse(body, hub.settings().maxTopicsPerConnection());
        try {
            relay.changeSubscriptions(userId, change.added(), change.removed());
        } catch (RelayUnavailableException e) {
            return ErrorResponses.of(503, "the change could not be accepted now (" + e.getMessage() + "); retry", 2);
        }
        String accepted = JSON.createObjectBuilder().add("userId", userId)
                .add("add", JSON.createArrayBuilder(change.added()))
                .add("remove", JSON.createArrayBuilder(change.removed())).build().toString();
        return Response.accepted(accepted).type(MediaType.APPLICATION_JSON_TYPE).build();
    }
}
