package io.massivesse.ops;

import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToLongFunction;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import org.eclipse.microprofile.metrics.Counter;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.MetricUnits;
import org.eclipse.microprofile.metrics.Tag;
import org.eclipse.microprofile.metrics.Timer;

import io.massivesse.hub.CloseReason;
import io.massivesse.hub.Eviction;
import io.massivesse.hub.HistoryFigures;
import io.massivesse.hub.Hub;
import io.massivesse.hub.HubMetrics;
import io.massivesse.hub.ResumeOutcome;
import io.massivesse.presence.ClusterPresence;
import io.massivesse.presence.Presence;
import io.massivesse.presence.PresenceMetrics;
import io.massivesse.presence.PresenceQuestion;
import io.massivesse.push.PublishMetrics;
import io.massivesse.push.RateLimitMetrics;

/**
 * The node's application metrics at {@code /metrics} (Prometheus names in the README's
 * "Operating it"). Deliveries are counted once per event with the fan-out's total, not per connection.
 */
@ApplicationScoped
public class SseMetrics implements HubMetrics, PublishMetrics, PresenceMetrics, RateLimitMetrics {

    @Inject
    MetricRegistry registry;

    /** Looked up when scraped: the hub is made with this bean, so it cannot be injected into it. */
    @Inject
    Instance<Hub> hub;

    @Inject
    Instance<ClusterPresence> cluster;

    private Counter opened;
    private Counter presenceMessages;
    private Counter presenceChanges;
    private final Map<PresenceQuestion.Subject, Counter> presenceQueries = new EnumMap<>(PresenceQuestion.Subject.class);
    private final Map<CloseReason, Counter> closed = new EnumMap<>(CloseReason.class);
    private Counter slowConsumers;
    private final Map<String, Counter> published = new HashMap<>();
    private final Map<String, Counter> rateLimited = new HashMap<>();
    private Counter delivered;
    private Counter dropped;
    private Counter redelivered;
    private Counter replayed;
    private final Map<ResumeOutcome, Counter> resumes = new EnumMap<>(ResumeOutcome.class);
    private final Map<Eviction, Counter> evicted = new EnumMap<>(Eviction.class);
    private Timer relayLag;
    private Timer fanOut;

    @PostConstruct
    void register() {
        registry.gauge(Metadata.builder().withName("sse.connections.active")
                .withDescription("SSE connections open on this node").build(), hub, h -> h.get().activeConnections());
        registry.gauge(Metadata.builder().withName("sse.connections.expiring")
                .withDescription("SSE connections on this node that end when their token expires").build(),
                hub, h -> h.get().streamsWithDeadline());
        opened = counter("sse.connections.opened", "SSE connections accepted by this node");
        for (CloseReason reason : CloseReason.values()) {
            closed.put(reason, counter("sse.connections.closed", "SSE connections ended, by reason",
                    new Tag("reason", reason.name().toLowerCase(Locale.ROOT))));
        }
        slowConsumers = counter("sse.slow.consumers.closed",
                "connections closed because their queue stayed full for the slow-consumer time");
        for (String target : List.of("broadcast", "user", "topic")) {
            published.put(target, counter("sse.events.published",
                    "events accepted for publishing by this node's REST API, by target", new Tag("target", target)));
        }
        for (String kind : List.of("publish", "subscribe")) {
            rateLimited.put(kind, counter("sse.rate.limited", "requests refused with 429 by a rate limit, by kind",
                    new Tag("kind", kind)));
        }
        registry.gauge(Metadata.builder().withName("sse.topics.active")
                .withDescription("topic names and prefixes at least one connection on this node listens to").build(),
                hub, h -> h.get().activeTopics());
        delivered = counter("sse.events.delivered", "events handed to connection queues on this node");
        dropped = counter("sse.events.dropped", "queued events dropped because a connection's queue was full");
        redelivered = counter("sse.events.redelivered",
                "events the broker handed this node again (after a failover) and that were not fanned out twice");
        replayed = counter("sse.events.replayed",
                "events sent from the history to new connections: what a reconnect missed, or the latest of its topics");
        for (ResumeOutcome outcome : ResumeOutcome.values()) {
            resumes.put(outcome, counter("sse.resumes", "reconnects with Last-Event-ID, by outcome (complete; partial "
                    + "or unknown-id: they got event: reset)", new Tag("outcome", outcome.label())));
        }
        for (Eviction cause : Eviction.values()) {
            evicted.put(cause, counter("sse.history.evicted", "events the history let go, by cause (size of their "
                    + "stream, ttl, the node's byte bound)", new Tag("cause", cause.label())));
        }
        historyGauge("sse.history.events", "events the history keeps for resuming", HistoryFigures::events);
        historyGauge("sse.history.ids", "event ids the history knows (every event of its time to live)", HistoryFigures::ids);
        historyGauge("sse.history.streams", "streams the history keeps: the broadcasts, topics, users", HistoryFigures::streams);
        historyGauge("sse.history.bytes", "estimated heap the history holds", HistoryFigures::bytes);
        relayLag = timer("sse.relay.lag", "from the publishing node accepting an event to this node starting its fan-out");
        presenceMessages = counter("sse.presence.messages", "messages this node sent to the presence topic");
        presenceChanges = counter("sse.presence.changes", "presence changes (online, offline, node up or down) this node reported");
        for (PresenceQuestion.Subject subject : PresenceQuestion.Subject.values()) {
            presenceQueries.put(subject, counter("sse.presence.queries.answered",
                    "presence queries this node answered for its own connections, by subject",
                    new Tag("subject", subject.name().toLowerCase(Locale.ROOT))));
        }
        registry.gauge(Metadata.builder().withName("sse.presence.nodes")
                .withDescription("nodes this node counts as live, itself included (0 with presence off)").build(),
                cluster, a -> {
                    Presence presence = a.get().presence();
                    return presence == null ? 0 : presence.liveNodes().size();
                });
        registry.gauge(Metadata.builder().withName("sse.presence.users")
                .withDescription("users this node's presence keeps: connected here, or within their grace (0 with presence off)").build(),
                cluster, a -> {
                    Presence presence = a.get().presence();
                    return presence == null ? 0 : presence.trackedUsers();
                });
        fanOut = timer("sse.fanout.duration", "time to queue one event for every matching connection on this node");
    }

    /** Creates the bean at start, so /metrics lists every series (at zero) before the first connection. */
    void onStart(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        // Observing the event is enough: CDI creates the bean to deliver it.
    }

    private Counter counter(String name, String description, Tag... tags) {
        return registry.counter(Metadata.builder().withName(name).withDescription(description).build(), tags);
    }

    private Timer timer(String name, String description) {
        return registry.timer(Metadata.builder().withName(name).withDescription(description)
                .withUnit(MetricUnits.SECONDS).build());
    }

    @Override
    public void eventPublished(String target) {
        published.get(target).inc();
    }

    @Override
    public void rateLimited(String kind) {
        rateLimited.get(kind).inc();
    }

    @Override
    public void connectionOpened() {
        opened.inc();
    }

    @Override
    public void connectionClosed(CloseReason reason) {
        closed.get(reason).inc();
        if (reason == CloseReason.SLOW_CONSUMER) {
            slowConsumers.inc();
        }
    }

    @Override
    public void eventFannedOut(long deliveries, long relayLagMillis, long fanOutNanos) {
        if (deliveries > 0) {
            delivered.inc(deliveries);
        }
        // Clocks of two nodes may differ a little: a negative lag is recorded as none.
        relayLag.update(Duration.ofMillis(Math.max(0, relayLagMillis)));
        fanOut.update(Duration.ofNanos(fanOutNanos));
    }

    @Override
    public void presenceMessageSent(int changes) {
        presenceMessages.inc();
        presenceChanges.inc(changes);
    }

    @Override
    public void presenceQueryAnswered(PresenceQuestion.Subject subject) {
        presenceQueries.get(subject).inc();
    }

    @Override
    public void eventRedelivered() {
        redelivered.inc();
    }

    @Override
    public void eventDropped() {
        dropped.inc();
    }

    @Override
    public void eventsReplayed(int count) {
        replayed.inc(count);
    }

    @Override
    public void resumed(ResumeOutcome outcome) {
        resumes.get(outcome).inc();
    }

    @Override
    public void historyEvicted(Eviction cause) {
        evicted.get(cause).inc();
    }

    private void historyGauge(String name, String description, ToLongFunction<HistoryFigures> figure) {
        registry.gauge(Metadata.builder().withName(name).withDescription(description).build(),
                hub, h -> figure.applyAsLong(h.get().history().figures()));
    }
}
