package io.massivesse.relay.jms;

import java.util.Collections;
import java.util.List;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.jms.JMSException;
import jakarta.jms.Message;

import io.massivesse.event.Update;
import io.massivesse.hub.EventHandler;
import io.massivesse.relay.RelaySettings;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.context.propagation.TextMapSetter;

/**
 * The spans of an event's way through the broker: its send to the topic (a child of whatever is current,
 * the publish request), and on every node its fan-out, a child of the send through the W3C
 * {@code traceparent} the message carries as a string property. An enterprise application's own JMS send
 * joins its trace by setting that property. One span per event and node, none per connection.
 * Without an exporter (README "Traces") the OpenTelemetry given here is the no-op one.
 */
@ApplicationScoped
public class EventTraces {

    static final AttributeKey<String> NODE = AttributeKey.stringKey("sse.node");
    static final AttributeKey<Long> CONNECTIONS = AttributeKey.longKey("sse.connections");
    static final AttributeKey<String> EVENT_ID = AttributeKey.stringKey("sse.event.id");
    static final AttributeKey<String> TARGET = AttributeKey.stringKey("sse.event.target");
    static final AttributeKey<Boolean> REDELIVERED = AttributeKey.booleanKey("sse.redelivered");
    static final AttributeKey<String> MESSAGING_SYSTEM = AttributeKey.stringKey("messaging.system");
    static final AttributeKey<String> DESTINATION = AttributeKey.stringKey("messaging.destination.name");
    static final AttributeKey<String> OPERATION = AttributeKey.stringKey("messaging.operation.type");

    @Inject
    OpenTelemetry openTelemetry;

    @Inject
    RelaySettings settings;

    private Tracer tracer;
    private TextMapPropagator propagator;
    private String sendName;

    @PostConstruct
    void init() {
        tracer = openTelemetry.getTracer("io.massivesse");
        propagator = openTelemetry.getPropagators().getTextMapPropagator();
        sendName = "publish " + settings.topicName();
    }

    /** The send of an accepted event to the topic; {@link #carry} puts its context into the message. */
    Span startSend(Update update) {
        return span(sendName, SpanKind.PRODUCER, "publish", update).startSpan();
    }

    private SpanBuilder span(String name, SpanKind kind, String operation, Update update) {
        return tracer.spanBuilder(name)
                .setSpanKind(kind)
                .setAttribute(MESSAGING_SYSTEM, "activemq")
                .setAttribute(DESTINATION, settings.topicName())
                .setAttribute(OPERATION, operation)
                .setAttribute(EVENT_ID, update.id())
                .setAttribute(TARGET, update.target())
                .setAttribute(NODE, settings.nodeId());
    }

    /** Writes the span's context as message properties ({@code traceparent}, and {@code tracestate} when set). */
    void carry(Span span, Message message) {
        propagator.inject(Context.current().with(span), message, MessageProperties.INSTANCE);
    }

    /** Marks a send the broker refused. */
    static void failed(Span span, Exception cause) {
        span.recordException(cause);
        span.setStatus(StatusCode.ERROR, "the broker did not take the event");
    }

    /** This node's fan-out of an event from the topic, under the trace the message carries (if any). */
    Span startFanOut(Message message, Update update) {
        Context sent = propagator.extract(Context.root(), message, MessageProperties.INSTANCE);
        return span("fan-out", SpanKind.CONSUMER, "process", update).setParent(sent).startSpan();
    }

    /** Ends a fan-out with what {@link EventHandler#deliver} answered; the span's length is the fan-out time. */
    static void fannedOut(Span span, long connections) {
        if (connections == EventHandler.REDELIVERED) {
            span.setAttribute(REDELIVERED, true);
            span.setAttribute(CONNECTIONS, 0L);
        } else {
            span.setAttribute(CONNECTIONS, connections);
        }
        span.end();
    }

    /** A message's string properties as the propagator's carrier. */
    private enum MessageProperties implements TextMapGetter<Message>, TextMapSetter<Message> {
        INSTANCE;

        @Override
        public void set(Message message, String key, String value) {
            if (message == null) {
                return;
            }
            try {
                message.setStringProperty(key, value);
            } catch (JMSException e) {
                // A property the message cannot take leaves the event untraced, never unsent.
            }
        }

        @Override
        public Iterable<String> keys(Message message) {
            try {
                return Collections.list(message.getPropertyNames()).stream().map(String::valueOf).toList();
            } catch (JMSException e) {
                return List.of();
            }
        }

        @Override
        public String get(Message message, String key) {
            if (message == null) {
                return null;
            }
            try {
                Object value = message.getObjectProperty(key);
                return value == null ? null : value.toString();
            } catch (JMSException e) {
                return null;
            }
        }
    }
}
