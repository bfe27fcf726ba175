package io.massivesse.push;

import java.io.InputStream;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.massivesse.relay.Publisher;
import io.massivesse.relay.RelayUnavailableException;

/** {@code POST /sse/broadcast} and {@code POST /sse/send/{userId}}: accept an event for the cluster. */
@Path("/")
@ApplicationScoped
public class PublishResource {

    @Inject
    Publisher publisher;

    @Inject
    EventIds ids;

    @Inject
    @ConfigProperty(name = "sse.max.message.bytes", defaultValue = "65536")
    int maxMessageBytes;

    @POST
    @Path("broadcast")
    public Response broadcast(@HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType,
                              @QueryParam("message") String message,
                              InputStream body) {
        return publish(null, contentType, message, body);
    }

    @POST
    @Path("send/{userId}")
    public Response send(@PathParam("userId") String userId,
                         @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType,
                         @QueryParam("message") String message,
                         InputStream body) {
        SubscribeResource.requireValidUserId(userId);
        return publish(userId, contentType, message, body);
    }

    private Response publish(String userId, String contentType, String message, InputStream body) {
        PublishRequest request = PublishRequest.parse(contentType, body, message, maxMessageBytes);
        String id = request.id() != null ? request.id() : ids.next();
        Update update = new Update(id, request.event(), request.data(), userId, System.currentTimeMillis());
        try {
            publisher.publish(update);
        } catch (RelayUnavailableException e) {
            return ErrorResponses.of(503, "the event could not be accepted now (" + e.getMessage()
                    + "); retry with the same id", 2);
        }
        String accepted = Json.createObjectBuilder().add("id", id).build().toString();
        return Response.accepted(accepted).type(MediaType.APPLICATION_JSON_TYPE).build();
    }
}
