package io.massivesse.push;

import java.util.logging.Logger;
import java.util.regex.Pattern;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.container.AsyncResponse;
import jakarta.ws.rs.container.Suspended;
import jakarta.ws.rs.core.Context;

import io.massivesse.hub.DuplicatePolicy;
import io.massivesse.hub.Hub;
import io.massivesse.hub.Subscriber;
import io.massivesse.relay.Publisher;
import io.massivesse.relay.RelayUnavailableException;

/** {@code GET /sse/connect/{userId}}: opens the user's event stream on this node. */
@Path("/connect/{userId}")
@RequestScoped
public class SubscribeResource {

    static final Pattern USER_ID = Pattern.compile("[A-Za-z0-9._@-]{1,128}");

    private static final Logger LOG = Logger.getLogger(SubscribeResource.class.getName());

    @Inject
    Hub hub;

    @Inject
    Publisher publisher;

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
        if (!USER_ID.matcher(userId).matches()) {
            async.resume(ErrorResponses.of(400, "userId must be 1-128 characters of A-Z a-z 0-9 . _ @ -", null));
            return;
        }
        // EventSource sends the header on its own reconnects; the query form is for a client's first connect.
        String lastEventId = lastEventIdHeader != null ? lastEventIdHeader : lastEventIdQuery;
        if (lastEventId != null && (lastEventId.isEmpty() || lastEventId.length() > 128 || SseFrames.breaksField(lastEventId))) {
            async.resume(ErrorResponses.of(400, "Last-Event-ID must be 1-128 characters without CR, LF or NUL", null));
            return;
        }
        AsyncContext context = request.getAsyncContext();
        // An event stream has no end the container should enforce; dead clients are found by the heartbeat.
        context.setTimeout(0);
        // The container's own response object: @Context proxies resolve per thread, and the writer runs on another.
        ServletEventStream stream = new ServletEventStream(context, (HttpServletResponse) context.getResponse());
        Subscriber subscriber;
        try {
            subscriber = hub.subscribe(userId, stream, lastEventId);
        } catch (ApiException refused) {
            async.resume(ErrorResponses.of(refused));
            return;
        }
        context.addListener(stream.listenerFor(subscriber));
        if (hub.settings().duplicatePolicy() == DuplicatePolicy.REPLACE) {
            try {
                publisher.announceConnection(userId, hub.settings().nodeId(), subscriber.openedAt());
            } catch (RelayUnavailableException e) {
                // The stream works without it; only a duplicate on another node stays open.
                LOG.fine(() -> "could not announce " + subscriber + ": " + e.getMessage());
            }
        }
    }
}
