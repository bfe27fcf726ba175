package io.massivesse.push;

import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;

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

    /** The fields a JAX-RS implementation reads from an event, as one value. */
    private static Built fieldsOf(OutboundSseEvent event) {
        return new Built(event.getId(), event.getName(), event.getComment(), event.getReconnectDelay(), event.getData());
    }

    /** The bytes RESTEasy writes for an event whose only field is the id, as its provider does. */
    private static String asWritten(OutboundSseEvent event) {
        return "id: " + event.getId() + "\n\n";
    }

    @Test
    void aDataEventGoesOutAsEncodedOnce() {
        for (String data : new String[] {"hello\nworld\r\n!", "a\n\nb\n", "trail\n", " spaced ", "\r\n\r\nx"}) {
            byte[] frame = SseFrames.event(new Update("42", "greeting", data, null, 0));
            OutboundSseEvent event = SinkEventStream.toEvent(frame);
            assertThat(event.getName()).isNull();
            assertThat(event.getData()).isNull();
            assertThat(event.getType()).isNotNull();
            assertThat(asWritten(event)).isEqualTo(new String(frame, StandardCharsets.UTF_8));
        }
    }

    @Test
    void controlFrameKeepsItsRetryHint() {
        byte[] frame = SseFrames.connected("a", "node1", Topics.NONE, 3000);
        assertThat(fieldsOf(SinkEventStream.toEvent(frame)))
                .isEqualTo(new Built(null, "connected", null, 3000, "{\"userId\":\"a\",\"node\":\"node1\"}"));
        assertThat(SinkEventStream.toEvent(SseFrames.replaced("a")).getName()).isEqualTo("replaced");
    }

    @Test
    void heartbeatBecomesAComment() {
        assertThat(fieldsOf(SinkEventStream.toEvent(SseFrames.PING))).isEqualTo(new Built(null, null, "ping", -1, null));
    }
}
