package io.massivesse.push;

import java.io.InputStream;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import io.massivesse.event.FieldRules;

/** What {@code POST /sse/subscriptions/{userId}} asked for: {@code {"add": [...], "remove": [...]}}, checked. */
public record SubscriptionChange(List<String> added, List<String> removed) {

    /** Enough for the most topics a connection may have, each as long as a topic may be, JSON-quoted. */
    private static final int MAX_BODY_BYTES = 64 * 1024;

    /** @param maxTopics topics one connection may listen to: more cannot be added at once */
    public static SubscriptionChange parse(InputStream body, int maxTopics) {
        JsonObject json = RequestBody.jsonObject(RequestBody.read(body, MAX_BODY_BYTES));
        SubscriptionChange change = new SubscriptionChange(selectors(json, "add"), selectors(json, "remove"));
        if (change.added().isEmpty() && change.removed().isEmpty()) {
            throw new ApiException(400, "nothing to change: send {\"add\": [topics], \"remove\": [topics]}");
        }
        if (change.added().size() > maxTopics) {
            throw new ApiException(400, change.added().size() + " topics to add; a connection may listen to at most " + maxTopics);
        }
        return change;
    }

    private static List<String> selectors(JsonObject json, String field) {
        JsonValue value = json.get(field);
        if (value == null || value.getValueType() == JsonValue.ValueType.NULL) {
            return List.of();
        }
        if (value.getValueType() != JsonValue.ValueType.ARRAY) {
            throw new ApiException(400, "'" + field + "' must be an array of topics");
        }
        Set<String> selectors = new LinkedHashSet<>();
        for (JsonValue item : (JsonArray) value) {
            if (!(item instanceof JsonString selector)) {
                throw new ApiException(400, "'" + field + "' must be an array of topics");
            }
            ApiException.refuseIf(FieldRules.topicSelectorProblem(selector.getString()));
            selectors.add(selector.getString());
        }
        return List.copyOf(selectors);
    }
}
