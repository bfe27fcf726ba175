package io.massivesse.push;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.SseEventSink;

import io.massivesse.hub.Hub;

/**
 * {@code GET /sse/connect/{userId}} through JAX-RS's {@link SseEventSink}, when
 * {@code SSE_WRITER=sink}; {@link SubscribeResource} is the default. Same contract. The sink is registered
 * through {@link HubBroadcaster}, as JAX-RS code beside the service registers its own.
 */
@Path("/connect/{userId}")
@ApplicationScoped
public class SinkSubscribeResource {

    @Inject
    Hub hub;

    @Inject
    HubBroadcaster broadcaster;

    @GET
    @SubscribeEndpoint
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public void connect(@PathParam("userId") String userId,
                        @HeaderParam("Last-Event-ID") String lastEventIdHeader,
                        @QueryParam("lastEventId") String lastEventIdQuery,
                        @QueryParam("topic") List<String> topics,
                        @QueryParam("latest") boolean latest,
                        @Context SseEventSink sink,
                        @Context HttpServletRequest request) {
        SubscribeRequest asked = SubscribeRequest.parse(userId, lastEventIdHeader, lastEventIdQuery, latest, topics,
                hub.settings().maxTopicsPerConnection(), request);
        broadcaster.register(sink, asked);
    }
}
