package io.massivesse.push;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.container.AsyncResponse;
import jakarta.ws.rs.container.Suspended;
import jakarta.ws.rs.core.Context;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.massivesse.hub.Hub;
import io.massivesse.hub.Subscriber;
import io.massivesse.hub.SubscribeRefusedException;

/**
 * {@code GET /sse/connect/{userId}}: opens the user's event stream on this node, written as
 * pre-encoded frames straight to the servlet response (the default, {@code SSE_WRITER=frames}).
 */
@Path("/connect/{userId}")
// Stateless: one instance serves every request.
@ApplicationScoped
public class SubscribeResource {

    @Inject
    Hub hub;

    @Inject
    ClientCloseWatch closeWatch;

    /**
     * The request is suspended and never resumed: the hub's writer owns the response from
     * here on and completes it when the stream ends.
     */
    @GET
    @SubscribeEndpoint
    @Tag(name = "subscribe", description = "Server-sent event streams")
    @Operation(summary = "Open the user's event stream",
            description = "Starts with retry: and event: connected, then the user's events, broadcasts and the events "
                    + "of the topics asked for (?topic=, repeated), with a "
                    + ": ping comment every SSE_HEARTBEAT_SECONDS. After a reconnect with Last-Event-ID the events "
                    + "missed since that id come first, of every stream the connection sees; event: reset first names the "
                    + "streams that cannot cover the gap (too old, or an unknown id). With ?latest=true and no id, the "
                    + "newest kept event of each topic comes first. "
                    + "Other events: replaced (a newer connection of the user took over), server-shutdown (reconnect), "
                    + "token-expired (the token's exp passed: reconnect with a new token and Last-Event-ID).")
    @APIResponse(responseCode = "200", description = "The event stream",
            content = @Content(mediaType = "text/event-stream", examples = @ExampleObject(name = "stream",
                    value = "retry: 3000\nevent: connected\ndata: {\"userId\":\"alice\",\"node\":\"node1\"}\n\n"
                            + "id: 1764107000000-0001-node1\nevent: order-shipped\ndata: {\"orderId\":42}\n\n: ping\n\n")))
    @APIResponse(responseCode = "400", description = "Bad userId or Last-Event-ID",
            content = @Content(mediaType = "application/json", examples = @ExampleObject(name = "bad",
                    value = "{\"status\":400,\"error\":\"userId must be 1-128 characters of A-Z a-z 0-9 . _ @ -\"}")))
    @APIResponse(responseCode = "429", description = "Policy allow: the user already has SSE_MAX_CONNECTIONS_PER_USER here; "
            + "or this client address subscribes faster than SSE_RATE_SUBSCRIBE_PER_SECOND (retry after Retry-After)")
    @APIResponse(responseCode = "503", description = "This node is at SSE_MAX_CONNECTIONS or shutting down: retry, "
            + "possibly on another node, after Retry-After")
    public void connect(@Parameter(description = "1-128 characters of A-Z a-z 0-9 . _ @ -", example = "alice")
                        @PathParam("userId") String userId,
                        @Parameter(description = "Id of the last event seen: replay what came after it")
                        @HeaderParam("Last-Event-ID") String lastEventIdHeader,
                        @Parameter(description = "Same as the Last-Event-ID header, for a client's first connect")
                        @QueryParam("lastEventId") String lastEventIdQuery,
                        @Parameter(description = "A topic to listen to (repeat the parameter for more, up to "
                                + "SSE_MAX_TOPICS_PER_CONNECTION): a name, or a prefix ending in /* for every name below it",
                                example = "orders/42")
                        @QueryParam("topic") List<String> topics,
                        @Parameter(description = "Without a Last-Event-ID: the newest event still kept of each topic "
                                + "(of up to 1,000 topics below a prefix) comes first, so a page shows the current state")
                        @QueryParam("latest") boolean latest,
                        @Suspended AsyncResponse async,
                        @Context HttpServletRequest request) {
        try {
            SubscribeRequest asked = SubscribeRequest.parse(userId, lastEventIdHeader, lastEventIdQuery, latest, topics,
                    hub.settings().maxTopicsPerConnection(), request);
            AsyncContext context = request.getAsyncContext();
            // An event stream has no end the container should enforce: a client's close is watched for, a vanished client found by the heartbeat.
            context.setTimeout(0);
            // The container's own response object: @Context proxies resolve per thread, and the writer runs on another.
            ServletEventStream stream = new ServletEventStream(context, (HttpServletResponse) context.getResponse(),
                    hub.settings().slowConsumerSeconds());
            Subscriber subscriber = hub.subscribe(asked.userId(), stream, asked.lastEventId(), asked.latest(),
                    asked.topics(), asked.endsAtMillis());
            context.addListener(stream.listenerFor(subscriber));
            stream.watch(closeWatch, request, subscriber);
        } catch (ApiException | SubscribeRefusedException refused) {
            // Through the exception mappers, as every other refusal goes: the same JSON answer.
            async.resume(refused);
        }
    }
}
