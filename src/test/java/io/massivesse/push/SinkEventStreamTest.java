package io.massivesse.push;

import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;

import jakarta.ws.rs.core.GenericType;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseBroadcaster;

import org.junit.jupiter.api.Test;

import io.massivesse.event.SseFrames;
import io.massivesse.event.Topics;
import io.massivesse.event.Update;

import static org.assertj.core.api.Assertions.assertThat;

/** The sink writer hands our encoded frames to JAX-RS without losing a byte of data. */
class SinkEventStreamTest {

    /** What the builder was told, as a JAX-RS implementation would receive it. */
    record Built(String id, String name, String comment, long reconnectDelay, Object data) implements OutboundSseEvent {
        public Class<?> getType() { return String.class; }
        public Type getGenericType() { return String.class; }
        public MediaType getMediaType() { return MediaType.TEXT_PLAIN_TYPE; }
        public String getId() { return id; }
        public String getName() { return name; }
        public String getComment() { return comment; }
        public long getReconnectDelay() { return reconnectDelay; }
        public boolean isReconnectDelaySet() { return reconnectDelay >= 0; }
        public Object getData() { return data; }
    }

    private static final Sse SSE = new Sse() {
        @Override
        public OutboundSseEvent.Builder newEventBuilder() {
            return new OutboundSseEvent.Builder() {
                String id;
                String name;
                String comment;
                long delay = -1;
                Object data;

                public OutboundSseEvent.Builder id(String value) { id = value; return this; }
                public OutboundSseEvent.Builder name(String value) { name = value; return this; }
                public OutboundSseEvent.Builder reconnectDelay(long value) { delay = value; return this; }
                public OutboundSseEvent.Builder mediaType(MediaType value) { return this; }
                public OutboundSseEvent.Builder comment(String value) { comment = value; return this; }
                public OutboundSseEvent.Builder data(Class type, Object value) { data = value; return this; }
                public OutboundSseEvent.Builder data(GenericType type, Object value) { data = value; return this; }
                public OutboundSseEvent.Builder data(Object value) { data = value; return this; }
                public OutboundSseEvent build() { return new Built(id, name, comment, delay, data); }
            };
        }

        @Override
        public SseBroadcaster newBroadcaster() {
            throw new UnsupportedOperationException();
        }
    };

    /** The bytes RESTEasy writes for an event whose only field is the id, as its provider does. */
    private static String asWritten(OutboundSseEvent event) {
        return "id: " + event.getId() + "\n\n";
    }

    @Test
    void aDataEventGoesOutAsEncodedOnce() {
        for (String data : new String[] {"hello\nworld\r\n!", "a\n\nb\n", "trail\n", " spaced ", "\r\n\r\nx"}) {
            byte[] frame = SseFrames.event(new Update("42", "greeting", data, null, 0));
            OutboundSseEvent event = SinkEventStream.toEvent(SSE, frame);
            assertThat(event.getName()).isNull();
            assertThat(event.getData()).isNull();
            assertThat(event.getType()).isNotNull();
            assertThat(asWritten(event)).isEqualTo(new String(frame, StandardCharsets.UTF_8));
        }
    }

    @Test
    void controlFrameKeepsItsRetryHint() {
        byte[] frame = SseFrames.connected("a", "node1", Topics.NONE, 3000);
        assertThat(SinkEventStream.toEvent(SSE, frame))
                .isEqualTo(new Built(null, "connected", null, 3000, "{\"userId\":\"a\",\"node\":\"node1\"}"));
        assertThat(SinkEventStream.toEvent(SSE, SseFrames.replaced("a")).getName()).isEqualTo("replaced");
    }

    @Test
    void heartbeatBecomesAComment() {
        assertThat(SinkEventStream.toEvent(SSE, SseFrames.PING)).isEqualTo(new Built(null, null, "ping", -1, null));
    }
}
