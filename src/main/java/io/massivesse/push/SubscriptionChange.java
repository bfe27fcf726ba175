package io.massivesse.push;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.stream.JsonParsingException;

import io.massivesse.event.FieldRules;

/** What {@code POST /sse/subscriptions/{userId}} asked for: {@code {"add": [...], "remove": [...]}}, checked. */
public record SubscriptionChange(List<String> added, List<String> removed) {

    /** Enough for the most topics a connection may have, each as long as a topic may be, JSON-quoted. */
    private static final int MAX_BODY_BYTES = 64 * 1024;

    /** @param maxTopics topics one connection may listen to: more cannot be added at once */
    public static SubscriptionChange parse(InputStream body, int maxTopics) {
        JsonObject json = readObject(body);
        SubscriptionChange change = new SubscriptionChange(selectors(json, "add"), selectors(json, "remove"));
        if (change.added().isEmpty() && change.removed().isEmpty()) {
            throw new ApiException(400, "nothing to change: send {\"add\": [topics], \"remove\": [topics]}");
        }
        if (change.added().size() > maxTopics) {
            throw new ApiException(400, change.added().size() + " topics to add; a connection may listen to at most " + maxTopics);
        }
        return change;
    }

    private static JsonObject readObject(InputStream body) {
        String text;
        try {
            byte[] bytes = body == null ? new byte[0] : body.readNBytes(MAX_BODY_BYTES + 1);
            if (bytes.length > MAX_BODY_BYTES) {
                throw new ApiException(413, "body is larger than " + MAX_BODY_BYTES + " bytes");
            }
            text = new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ApiException(400, "could not read the request body");
        }
        try {
            JsonValue value = Json.createReader(new StringReader(text)).readValue();
            if (value.getValueType() != JsonValue.ValueType.OBJECT) {
                throw new ApiException(400, "body must be a JSON object {\"add\": [...], \"remove\": [...]}");
            }
            return value.asJsonObject();
        } catch (JsonParsingException e) {
            throw new ApiException(400, "malformed JSON at line " + e.getLocation().getLineNumber()
                    + ", column " + e.getLocation().getColumnNumber());
        } catch (JsonException e) {
            throw new ApiException(400, "malformed JSON");
        }
    }

    private static List<String> selectors(JsonObject json, String field) {
        JsonValue value = json.get(field);
        if (value == null || value.getValueType() == JsonValue.ValueType.NULL) {
            return List.of();
        }
        if (value.getValueType() != JsonValue.ValueType.ARRAY) {
            throw new ApiException(400, "'" + field + "' must be an array of topics");
        }
        List<String> selectors = new ArrayList<>();
        for (JsonValue item : (JsonArray) value) {
            if (!(item instanceof JsonString selector)) {
                throw new ApiException(400, "'" + field + "' must be an array of topics");
            }
            ApiException.refuseIf(FieldRules.topicSelectorProblem(selector.getString()));
            if (!selectors.contains(selector.getString())) {
                selectors.add(selector.getString());
            }
        }
        return List.copyOf(selectors);
    }
}
