package io.massivesse.push;

import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.SseEventSink;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.massivesse.event.EventIds;
import io.massivesse.event.Update;
import io.massivesse.hub.DuplicatePolicy;
import io.massivesse.hub.Hub;
import io.massivesse.hub.HistorySettings;
import io.massivesse.hub.HubMetrics;
import io.massivesse.hub.HubSettings;
import io.massivesse.relay.EventRelay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The hub through the standard {@code SseBroadcaster}: a registered sink gets what is broadcast, the listeners hear
 * of its end, bad events are refused as a publish is. The relay here hands each event straight to the hub, as the
 * topic does on one node (on a real node and broker: WriterParityIT).
 */
class HubBroadcasterTest {

    private Hub hub;
    private HubBroadcaster broadcaster;
    private final List<Update> published = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() {
        hub = new Hub(new HubSettings("node-b", 100, 30, 30, 2000, 100, 3, DuplicatePolicy.REPLACE,
                new HistorySettings(100, 100, 300, 1_000_000), 10, 0),
                HubMetrics.NONE);
        broadcaster = new HubBroadcaster();
        broadcaster.hub = hub;
        broadcaster.publisher = new Publisher();
        broadcaster.publisher.relay = new LoopbackRelay();
        broadcaster.publisher.ids = new EventIds("node-b");
        broadcaster.publisher.metrics = target -> { };
        broadcaster.maxMessageBytes = 1000;
    }

    @AfterEach
    void stop() {
        hub.shutdown();
    }

    @Test
    void aRegisteredSinkReceivesWhatIsBroadcast() throws Exception {
        RecordingSink sink = new RecordingSink();
        broadcaster.register(sink);
        await().untilAsserted(() -> assertThat(sink.names()).contains("connected"));

        Object id = broadcaster.broadcast(new Event("greeting", "hello\nworld")).toCompletableFuture().get();

        assertThat(published).singleElement().satisfies(update -> {
            assertThat(update.id()).isEqualTo(id);
            assertThat(update.isBroadcast()).isTrue();
        });
        await().untilAsserted(() -> assertThat(sink.written())
                .contains("id: " + id + "\nevent: greeting\ndata: hello\ndata: world\n\n"));
        assertThat(hub.activeConnections()).isEqualTo(1);
    }

    @Test
    void theListenersHearOfAStreamThatFailedAndEnded() {
        List<String> heard = new CopyOnWriteArrayList<>();
        broadcaster.onError((sink, cause) -> heard.add("error"));
        broadcaster.onClose(sink -> heard.add("close"));
        RecordingSink sink = new RecordingSink();
        broadcaster.register(sink);
        await().untilAsserted(() -> assertThat(sink.names()).contains("connected"));

        sink.failSends = true;
        broadcaster.broadcast(new Event(null, "into a broken pipe"));

        await().untilAsserted(() -> assertThat(heard).containsExactly("error", "close"));
        assertThat(sink.isClosed()).isTrue();
        assertThat(hub.activeConnections()).isZero();
    }

    @Test
    void closingTheBroadcasterEndsItsSinksAndRefusesNewOnes() {
        RecordingSink sink = new RecordingSink();
        broadcaster.register(sink);
        broadcaster.close();
        await().untilAsserted(() -> assertThat(sink.isClosed()).isTrue());
        assertThat(hub.activeConnections()).isZero();
        assertThatThrownBy(() -> broadcaster.register(new RecordingSink())).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aBadEventIsRefusedAndNothingIsPublished() {
        assertThatThrownBy(() -> broadcaster.broadcast(new Event("two\nlines", "data")).toCompletableFuture().get())
                .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> broadcaster.broadcast(new Event(null, " ")).toCompletableFuture().get())
                .hasCauseInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> broadcaster.broadcast(new Event(null, "x".repeat(1001))).toCompletableFuture().get())
                .hasCauseInstanceOf(IllegalArgumentException.class);
        assertThat(published).isEmpty();
    }

    /** An event as JAX-RS code builds it: a name and text data. */
    private record Event(String getName, Object getData) implements OutboundSseEvent {
        public String getId() { return null; }
        public String getComment() { return null; }
        public long getReconnectDelay() { return -1; }
        public boolean isReconnectDelaySet() { return false; }
        public Class<?> getType() { return String.class; }
        public Type getGenericType() { return String.class; }
        public MediaType getMediaType() { return MediaType.TEXT_PLAIN_TYPE; }
    }

    /** Keeps what a JAX-RS implementation would write for each event it is sent, as text. */
    private static final class RecordingSink implements SseEventSink {
        private final StringBuilder written = new StringBuilder();
        private final List<String> names = new CopyOnWriteArrayList<>();
        volatile boolean failSends;
        private volatile boolean closed;

        @Override
        public synchronized CompletionStage<?> send(OutboundSseEvent event) {
            if (failSends) {
                return CompletableFuture.failedFuture(new java.io.IOException("broken pipe"));
            }
            if (event.getComment() != null) {
                written.append(": ").append(event.getComment()).append('\n');
            }
            if (event.getId() != null) {
                written.append("id: ").append(event.getId()).append('\n');
            }
            if (event.getName() != null) {
                written.append("event: ").append(event.getName()).append('\n');
                names.add(event.getName());
            }
            if (event.getData() != null) {
                written.append("data: ").append(event.getData()).append('\n');
            }
            written.append('\n');
            return CompletableFuture.completedFuture(null);
        }

        synchronized String written() {
            return written.toString();
        }

        List<String> names() {
            return names;
        }

        @Override
        public boolean isClosed() {
            return closed;
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    /** One node's topic: what is published reaches this node's hub. */
    private final class LoopbackRelay implements EventRelay {
        @Override
        public void publish(Update update) {
            published.add(update);
            hub.deliver(update);
        }

        @Override
        public boolean isAvailable() {
            return true;
        }

        @Override
        public void changeSubscriptions(String userId, List<String> added, List<String> removed) { }
    }
}
