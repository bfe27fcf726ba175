package io.massivesse.push;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/** All push endpoints live under /sse; the root stays free for the demo page. */
@ApplicationPath("/sse")
public class SseApplication extends Application {
}
