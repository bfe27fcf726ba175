package io.massivesse.push;

import java.lang.reflect.Type;

import jakarta.ws.rs.core.GenericType;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseBroadcaster;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The sink writer turns our encoded frames back into JAX-RS events without losing a field. */
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

    @Test
    void eventFieldsAndMultiLineDataSurvive() {
        byte[] frame = SseFrames.event(new Update("42", "greeting", "hello\nworld\r\n!", null, 0));
        assertThat(SinkEventStream.toEvent(SSE, frame)).isEqualTo(new Built("42", "greeting", null, -1, "hello\nworld\n!"));
    }

    @Test
    void controlFrameKeepsItsRetryHint() {
        byte[] frame = SseFrames.control("connected", "{\"userId\":\"a\"}", 3000);
        assertThat(SinkEventStream.toEvent(SSE, frame)).isEqualTo(new Built(null, "connected", null, 3000, "{\"userId\":\"a\"}"));
    }

    @Test
    void heartbeatBecomesAComment() {
        assertThat(SinkEventStream.toEvent(SSE, SseFrames.PING)).isEqualTo(new Built(null, null, "ping", -1, null));
    }

    @Test
    void emptyDataLinesAreKept() {
        byte[] frame = SseFrames.event(new Update("1", null, "a\n\nb\n", null, 0));
        assertThat(((Built) SinkEventStream.toEvent(SSE, frame)).data()).isEqualTo("a\n\nb\n");
    }
}
