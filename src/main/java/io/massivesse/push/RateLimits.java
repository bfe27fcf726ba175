package io.massivesse.push;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The node's two rate limits: publishes per publisher (the token's subject; the client address in open
 * mode) and subscribes per client address. Over a limit a request gets 429 with Retry-After; the
 * management port is never limited (operators and health checks must always get through).
 */
@ApplicationScoped
public class RateLimits {

    private static final Logger LOG = Logger.getLogger(RateLimits.class.getName());

    @Inject
    @ConfigProperty(name = "sse.rate.publish.per.second")
    long publishPerSecond;

    @Inject
    @ConfigProperty(name = "sse.rate.publish.burst")
    long publishBurst;

    @Inject
    @ConfigProperty(name = "sse.rate.subscribe.per.second")
    long subscribePerSecond;

    @Inject
    @ConfigProperty(name = "sse.rate.subscribe.burst")
    long subscribeBurst;

    @Inject
    @ConfigProperty(name = "sse.trusted.proxies")
    Optional<List<String>> trustedProxies;

    @Inject
    ManagementPort managementPort;

    @Inject
    RateLimitMetrics metrics;

    private RateLimit publishes;
    private RateLimit subscribes;
    private ClientAddress clientAddress;

    @PostConstruct
    void configure() {
        publishes = new RateLimit(publishPerSecond, publishBurst);
        subscribes = new RateLimit(subscribePerSecond, subscribeBurst);
        clientAddress = ClientAddress.trusting(trustedProxies.orElse(List.of()));
        LOG.info("Rate limits: publishes per publisher " + publishes + "; subscribes per client address " + subscribes
                + "; trusted proxies " + trustedProxies.orElse(List.of()));
    }

    /** The 429 for a publish over its publisher's limit, or empty. */
    Optional<Response> publish(HttpServletRequest request) {
        if (publishes.isOff() || managementPort.received(request)) {
            return Optional.empty();
        }
        String publisher = request.getAttribute(CallerAttributes.SUBJECT) instanceof String subject
                ? "subject:" + subject : "address:" + addressOf(request);
        return refusal(publishes.take(publisher), "publish", "publishes from this publisher");
    }

    /** The 429 for a subscribe over its client address's limit, or empty. */
    Optional<Response> subscribe(HttpServletRequest request) {
        if (subscribes.isOff() || managementPort.received(request)) {
            return Optional.empty();
        }
        return refusal(subscribes.take(addressOf(request)), "subscribe", "subscribes from this client address");
    }

    /** The client address a per-address limit counts (X-Forwarded-For only through a trusted proxy). */
    String addressOf(HttpServletRequest request) {
        return clientAddress.of(request.getRemoteAddr(), request.getHeader("X-Forwarded-For"));
    }

    private Optional<Response> refusal(long waitNanos, String kind, String what) {
        if (waitNanos == 0) {
            return Optional.empty();
        }
        metrics.rateLimited(kind);
        int seconds = (int) Math.max(1, Math.min(3600, TimeUnit.NANOSECONDS.toSeconds(waitNanos + 999_999_999L)));
        return Optional.of(ErrorResponses.of(429, "too many " + what + "; retry after " + seconds + " s", seconds));
    }
}
