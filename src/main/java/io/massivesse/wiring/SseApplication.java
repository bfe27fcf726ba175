package io.massivesse.wiring;

import java.util.Set;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.info.Info;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.Components;

import io.massivesse.push.ErrorMapper;
import io.massivesse.push.ManagementPortFilter;
import io.massivesse.push.PresenceResource;
import io.massivesse.push.PublishRateFilter;
import io.massivesse.push.PublishResource;
import io.massivesse.push.SinkSubscribeResource;
import io.massivesse.push.SubscribeRateFilter;
import io.massivesse.push.SubscribeResource;
import io.massivesse.push.SubscriptionsResource;
import io.massivesse.security.PresenceAccessFilter;
import io.massivesse.security.PublishAccessFilter;
import io.massivesse.security.SubscribeAccessFilter;

/**
 * All push endpoints live under /sse; the root stays free for the demo page. The subscribe
 * endpoint's writer is chosen here by {@code SSE_WRITER}: {@code frames} (default) or {@code sink}.
 * The OpenAPI document's shared parts (the publish body every publish endpoint takes) are here too.
 */
@ApplicationPath("/sse")
@OpenAPIDefinition(info = @Info(title = "massive-sse-service", version = "1",
        description = "Server-sent event streams per user and topic; publishing to everyone, a user or a topic"),
        components = @Components(requestBodies = @RequestBody(name = PublishResource.EVENT_BODY,
                description = "JSON {\"data\": \"...\", \"event\": \"name\", \"id\": \"idempotency key\"} "
                        + "(event and id optional), a form with field message, or no body and ?message=",
                content = {
                    @Content(mediaType = MediaType.APPLICATION_JSON, examples = @ExampleObject(name = "json",
                            value = "{\"event\":\"order-shipped\",\"data\":\"{\\\"orderId\\\":42}\"}")),
                    @Content(mediaType = MediaType.APPLICATION_FORM_URLENCODED,
                            examples = @ExampleObject(name = "form", value = "message=hello"))})))
public class SseApplication extends Application {

    @Override
    public Set<Class<?>> getClasses() {
        // Read through the Config API: the JAX-RS runtime makes this class itself, so no injection is relied on.
        String writer = ConfigProvider.getConfig().getValue("sse.writer", String.class);
        Class<?> subscribe = switch (writer.trim().toLowerCase()) {
            case "frames" -> SubscribeResource.class;
            case "sink" -> SinkSubscribeResource.class;
            default -> throw new IllegalArgumentException("sse.writer must be 'frames' or 'sink', not '" + writer + "'");
        };
        return Set.of(subscribe, PublishResource.class, SubscriptionsResource.class, PresenceResource.class,
                ErrorMapper.class, ManagementPortFilter.class, SubscribeAccessFilter.class, PublishAccessFilter.class,
                PresenceAccessFilter.class, SubscribeRateFilter.class, PublishRateFilter.class);
    }
}
