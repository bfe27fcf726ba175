package io.massivesse.push;

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

import io.massivesse.hub.Hub;
import io.massivesse.hub.Subscriber;

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
    ConnectionAnnouncer announcer;

    /**
     * The request is suspended and never resumed: the hub's writer owns the response from
     * here on and completes it when the stream ends.
     */
    @GET
    public void connect(@PathParam("userId") String userId,
                        @HeaderParam("Last-Event-ID") String lastEventIdHeader,
                        @QueryParam("lastEventId") String lastEventIdQuery,
                        @Suspended AsyncResponse async,
                        @Context HttpServletRequest request) {
        Subscriber subscriber;
        AsyncContext context;
        try {
            String lastEventId = validate(userId, lastEventIdHeader, lastEventIdQuery);
            context = request.getAsyncContext();
            // An event stream has no end the container should enforce; dead clients are found by the heartbeat.
            context.setTimeout(0);
            // The container's own response object: @Context proxies resolve per thread, and the writer runs on another.
            ServletEventStream stream = new ServletEventStream(context, (HttpServletResponse) context.getResponse());
            subscriber = hub.subscribe(userId, stream, lastEventId);
            context.addListener(stream.listenerFor(subscriber));
        } catch (ApiException refused) {
            async.resume(ErrorResponses.of(refused));
            return;
        }
        announcer.announce(subscriber);
    }

    /**
     * Checks the user id and the Last-Event-ID (header first: EventSource sends it on its own
     * reconnects; the query form is for a client's first connect).
     *
     * @return the last event id, or {@code null}
     */
    static String validate(String userId, String lastEventIdHeader, String lastEventIdQuery) {
        requireValidUserId(userId);
        String lastEventId = lastEventIdHeader != null ? lastEventIdHeader : lastEventIdQuery;
        if (lastEventId != null && !Update.isValidField(lastEventId)) {
            throw new ApiException(400, "Last-Event-ID must be 1-128 characters without CR, LF or NUL");
        }
        return lastEventId;
    }

    static void requireValidUserId(String userId) {
        if (!Update.isValidUserId(userId)) {
            throw new ApiException(400, "userId must be 1-128 characters of A-Z a-z 0-9 . _ @ -");
        }
    }
}
