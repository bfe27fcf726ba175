package io.massivesse.push;

import java.util.Set;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

import org.eclipse.microprofile.config.ConfigProvider;

import io.massivesse.security.AccessFilter;

/**
 * All push endpoints live under /sse; the root stays free for the demo page. The subscribe
 * endpoint's writer is chosen here by {@code SSE_WRITER}: {@code frames} (default) or {@code sink}.
 */
@ApplicationPath("/sse")
public class SseApplication extends Application {

    @Override
    public Set<Class<?>> getClasses() {
        String writer = ConfigProvider.getConfig().getOptionalValue("sse.writer", String.class).orElse("frames");
        Class<?> subscribe = switch (writer.trim().toLowerCase()) {
            case "frames" -> SubscribeResource.class;
            case "sink" -> SinkSubscribeResource.class;
            default -> throw new IllegalArgumentException("sse.writer must be 'frames' or 'sink', not '" + writer + "'");
        };
        return Set.of(subscribe, PublishResource.class, ErrorMapper.class, ManagementPortFilter.class, AccessFilter.class);
    }
}
