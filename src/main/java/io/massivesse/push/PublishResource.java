package io.massivesse.push;

import java.io.InputStream;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.spi.JsonProvider;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.massivesse.event.FieldRules;
import io.massivesse.relay.RelayUnavailableException;

/** {@code POST /sse/broadcast}, {@code /sse/send/{userId}} and {@code /sse/topics/{topic}}: accept an event for the cluster. */
@Path("/")
@PublishEndpoint
@ApplicationScoped
@Tag(name = "publish", description = "Send events to subscribers on every node")
@APIResponse(responseCode = "202", description = "Accepted: the broker has the event; its id is returned",
        content = @Content(mediaType = MediaType.APPLICATION_JSON, examples = @ExampleObject(name = "accepted",
                value = "{\"id\":\"1764107000000-0001-node1\"}")))
@APIResponse(responseCode = "400", description = "Missing or blank data, bad event name or id, bad userId, malformed JSON",
        content = @Content(mediaType = MediaType.APPLICATION_JSON, examples = @ExampleObject(name = "bad",
                value = "{\"status\":400,\"error\":\"missing or blank data\"}")))
@APIResponse(responseCode = "413", description = "Payload larger than SSE_MAX_MESSAGE_BYTES")
@APIResponse(responseCode = "415", description = "Neither JSON nor a form")
@APIResponse(responseCode = "429", description = "This publisher is over SSE_RATE_PUBLISH_PER_SECOND: retry after Retry-After",
        content = @Content(mediaType = MediaType.APPLICATION_JSON, examples = @ExampleObject(name = "limited",
                value = "{\"status\":429,\"error\":\"too many publishes from this publisher; retry after 1 s\"}")))
@APIResponse(responseCode = "503", description = "The broker cannot take the event now: retry after Retry-After with the same id")
public class PublishResource {

    /** Looked up once: Json's static methods look the provider up again on every call, which showed in profiles. */
    private static final JsonProvider JSON = JsonProvider.provider();

    /** The request body every publish takes, described once in the OpenAPI components (wiring's SseApplication). */
    public static final String EVENT_BODY = "event";

    @Inject
    Publisher publisher;

    @Inject
    @ConfigProperty(name = "sse.max.message.bytes")
    int maxMessageBytes;

    @POST
    @Path("broadcast")
    @Operation(summary = "Broadcast an event to every connected user on every node")
    public Response broadcast(@HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType,
                              @Parameter(description = "The payload, when there is no body (the API of the service this one replaces)",
                                      example = "hello everyone")
                              @QueryParam("message") String message,
                              @RequestBody(ref = EVENT_BODY)
                              InputStream body) {
        return publish(null, null, contentType, message, body);
    }

    @POST
    @Path("send/{userId}")
    @Operation(summary = "Send an event to one user's connections, on whichever node they are")
    public Response send(@Parameter(description = "Target user: 1-128 characters of A-Z a-z 0-9 . _ @ -", example = "alice")
                         @PathParam("userId") String userId,
                         @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType,
                         @Parameter(description = "The payload, when there is no body", example = "your order shipped")
                         @QueryParam("message") String message,
                         @RequestBody(ref = EVENT_BODY)
                         InputStream body) {
        ApiException.refuseIf(FieldRules.userIdProblem(userId));
        return publish(userId, null, contentType, message, body);
    }

    @POST
    @Path("topics/{topic: .+}")
    @Operation(summary = "Publish an event to a topic: every connection listening to it, or to a prefix of it, on every node")
    @APIResponse(responseCode = "400", description = "Bad topic name, or a prefix (a/*): an event goes to one topic")
    public Response toTopic(@Parameter(description = "The topic name; it may contain / (segments of A-Z a-z 0-9 . _ ~ : @ + -)",
                                    example = "orders/42")
                            @PathParam("topic") String topic,
                            @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType,
                            @Parameter(description = "The payload, when there is no body", example = "order 42 shipped")
                            @QueryParam("message") String message,
                            @RequestBody(ref = EVENT_BODY)
                            InputStream body) {
        ApiException.refuseIf(FieldRules.topicProblem(topic));
        return publish(null, topic, contentType, message, body);
    }

    private Response publish(String userId, String topic, String contentType, String message, InputStream body) {
        PublishRequest request = PublishRequest.parse(contentType, body, message, maxMessageBytes);
        String id;
        try {
            id = publisher.publish(request.id(), request.event(), request.data(), userId, topic);
        } catch (RelayUnavailableException e) {
            return ErrorResponses.of(503, "the event could not be accepted now (" + e.getMessage()
                    + "); retry with the same id", 2);
        }
        String accepted = JSON.createObjectBuilder().add("id", id).build().toString();
        return Response.accepted(accepted).type(MediaType.APPLICATION_JSON_TYPE).build();
    }
}
