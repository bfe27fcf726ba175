package io.massivesse.push;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.SseBroadcaster;
import jakarta.ws.rs.sse.SseEventSink;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.massivesse.event.FieldRules;
import io.massivesse.event.Topics;
import io.massivesse.hub.CloseReason;
import io.massivesse.hub.Hub;
import io.massivesse.hub.Subscriber;
import io.massivesse.relay.RelayUnavailableException;

/**
 * The hub as a standard JAX-RS {@link SseBroadcaster}, for JAX-RS code deployed beside the service
 * ({@code @Inject SseBroadcaster}). A sink registered here is a connection of this node like any other
 * (counted, replayable, ended by a drain); {@link #register(SseEventSink)} makes it a listener of broadcasts
 * under a user id of its own, {@link #register(SseEventSink, String, String, Topics, long)} a connection of a
 * user. {@link #broadcast} publishes to every node, as {@code POST /sse/broadcast} does: the stage completes
 * with the event's id once the broker has it, or fails as that request would be refused.
 */
@ApplicationScoped
public class HubBroadcaster implements SseBroadcaster {

    private static final Logger LOG = Logger.getLogger(HubBroadcaster.class.getName());

    @Inject
    Hub hub;

    @Inject
    Publisher publisher;

    @Inject
    @ConfigProperty(name = "sse.max.message.bytes")
    int maxMessageBytes;

    private final AtomicLong listeners = new AtomicLong();
    private final Map<SseEventSink, Subscriber> registered = new ConcurrentHashMap<>();
    private final List<Consumer<SseEventSink>> onClose = new CopyOnWriteArrayList<>();
    private final List<BiConsumer<SseEventSink, Throwable>> onError = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    /** The sink receives every broadcast, as the connection of a user id of its own ({@code sink.<node>.<n>}). */
    @Override
    public void register(SseEventSink sink) {
        register(sink, new SubscribeRequest("sink." + hub.settings().nodeId() + "." + listeners.incrementAndGet(), null,
                false, Topics.NONE, 0));
    }

    /**
     * The sink becomes a connection of the user asking: its events, broadcasts and the topics', after what it
     * missed since its last event id, until its end time.
     *
     * @throws io.massivesse.hub.SubscribeRefusedException as a subscribe is refused
     */
    public Subscriber register(SseEventSink sink, SubscribeRequest asked) {
        if (closed) {
            throw new IllegalStateException("this broadcaster is closed");
        }
        Subscriber subscriber = hub.subscribe(asked.userId(), new SinkEventStream(sink, new SinkEventStream.Ends() {
            @Override
            public void failed(Throwable cause) {
                onError.forEach(listener -> tell(() -> listener.accept(sink, cause)));
            }

            @Override
            public void closed() {
                registered.remove(sink);
                onClose.forEach(listener -> tell(() -> listener.accept(sink)));
            }
        }), asked.lastEventId(), asked.latest(), asked.topics(), asked.endsAtMillis());
        registered.put(sink, subscriber);
        // A stream that ended already (its close ran before the line above) is not kept.
        if (subscriber.isClosed()) {
            registered.remove(sink);
        }
        return subscriber;
    }

    @Override
    public CompletionStage<String> broadcast(OutboundSseEvent event) {
        String data = event.getData() == null ? null : String.valueOf(event.getData());
        Optional<String> problem = FieldRules.dataProblem(data)
                .or(() -> FieldRules.sizeProblem(data, maxMessageBytes))
                .or(() -> event.getName() == null ? Optional.empty() : FieldRules.eventNameProblem(event.getName()))
                .or(() -> event.getId() == null ? Optional.empty() : FieldRules.idProblem(event.getId()));
        if (problem.isPresent()) {
            return CompletableFuture.failedFuture(new IllegalArgumentException(problem.get()));
        }
        try {
            return CompletableFuture.completedFuture(publisher.publish(event.getId(), event.getName(), data, null, null));
        } catch (RelayUnavailableException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public void onError(BiConsumer<SseEventSink, Throwable> listener) {
        onError.add(listener);
    }

    @Override
    public void onClose(Consumer<SseEventSink> listener) {
        onClose.add(listener);
    }

    /** Refuses new sinks and ends the streams of those registered here (as a drain ends them). */
    @Override
    public void close() {
        close(true);
    }

    /** Refuses new sinks; with {@code cascading}, also ends the streams of those registered here. */
    @Override
    public void close(boolean cascading) {
        closed = true;
        if (cascading) {
            registered.values().forEach(subscriber -> subscriber.close(CloseReason.SHUTDOWN));
        }
    }

    /** A listener that throws must not stop the others, nor the stream's end. */
    private static void tell(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "an SseBroadcaster listener failed", e);
        }
    }
}
