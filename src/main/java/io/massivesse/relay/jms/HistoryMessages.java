package io.massivesse.relay.jms;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;

import io.massivesse.event.FieldRules;
import io.massivesse.hub.KeptEvent;

/**
 * How a starting node takes a running node's history: it asks every node on the events topic for an offer
 * ({@code sseControl: history-offer}), picks the first, asks that node alone ({@code history-send}, {@code sseTo}),
 * and receives the history on its reply queue in parts of JSON, the last one marked {@code sseLast}. Not part of
 * the public contract.
 */
final class HistoryMessages {

    static final String OFFER = "history-offer";
    static final String SEND = "history-send";
    /** The node a {@code history-send} is for. */
    static final String TO = "sseTo";
    /** On a reply: {@code offer} or {@code part}. */
    static final String REPLY = "sseHistory";
    static final String LAST = "sseLast";
    /** Parts stay well below the broker's message size. */
    static final int PART_EVENTS = 1_000;
    static final int PART_CHARS = 1 << 20;

    private static final JsonProvider JSON = JsonProvider.provider();

    private HistoryMessages() {
    }

    static JmsCodec.Inbound readRequest(String kind, Message message) throws JMSException {
        String node = message.getStringProperty(ControlMessages.NODE);
        String to = message.getStringProperty(TO);
        boolean send = SEND.equals(kind);
        if (node == null || FieldRules.userIdProblem(node).isPresent()
                || (send && (to == null || FieldRules.userIdProblem(to).isPresent()))) {
            return new JmsCodec.Invalid("a " + kind + " message needs sseNode" + (send ? " and sseTo" : ""));
        }
        return new JmsCodec.HistoryRequest(node, send ? to : null);
    }

    /** The history in parts, each the JSON text of one reply. */
    static List<String> parts(List<KeptEvent> events) {
        List<String> parts = new ArrayList<>();
        JsonArrayBuilder part = JSON.createArrayBuilder();
        int count = 0;
        int chars = 0;
        for (KeptEvent event : events) {
            JsonObjectBuilder item = JSON.createObjectBuilder().add("id", event.id()).add("at", event.at());
            if (event.userId() != null) {
                item.add("user", event.userId());
            }
            if (event.topic() != null) {
                item.add("topic", event.topic());
            }
            if (event.frame() != null) {
                item.add("frame", new String(event.frame(), StandardCharsets.UTF_8));
                chars += event.frame().length;
            }
            part.add(item);
            chars += 100;
            if (++count == PART_EVENTS || chars >= PART_CHARS) {
                parts.add(part.build().toString());
                part = JSON.createArrayBuilder();
                count = 0;
                chars = 0;
            }
        }
        parts.add(part.build().toString());
        return parts;
    }

    static List<KeptEvent> read(String part) {
        List<KeptEvent> events = new ArrayList<>();
        for (JsonValue value : JSON.createReader(new StringReader(part)).readArray()) {
            JsonObject item = value.asJsonObject();
            String frame = item.getString("frame", null);
            events.add(new KeptEvent(item.getString("id"), item.getString("user", null), item.getString("topic", null),
                    item.getJsonNumber("at").longValue(), frame == null ? null : frame.getBytes(StandardCharsets.UTF_8)));
        }
        return events;
    }
}
