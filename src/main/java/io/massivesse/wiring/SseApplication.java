package io.massivesse.wiring;

import java.util.Set;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

import org.eclipse.microprofile.config.ConfigProvider;

import io.massivesse.push.ErrorMapper;
import io.massivesse.push.ManagementPortFilter;
import io.massivesse.push.PublishResource;
import io.massivesse.push.SinkSubscribeResource;
import io.massivesse.push.SubscribeResource;
import io.massivesse.security.PublishAccessFilter;
import io.massivesse.security.SubscribeAccessFilter;

/**
 * All push endpoints live under /sse; the root stays free for the demo page. The subscribe
 * endpoint's writer is chosen here by {@code SSE_WRITER}: {@code frames} (default) or {@code sink}.
 */
@ApplicationPath("/sse")
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
        return Set.of(subscribe, PublishResource.class, ErrorMapper.class, ManagementPortFilter.class,
                SubscribeAccessFilter.class, PublishAccessFilter.class);
    }
}
