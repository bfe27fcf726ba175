package io.massivesse.event;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The rules every field of an update obeys, wherever it comes from (REST path or body, JMS property,
 * Last-Event-ID). Each check returns why a value is refused, in words fit for the client, or nothing.
 */
public final class FieldRules {

    /** Ids double as idempotency keys and travel in every frame: keep them, and names, short. */
    public static final int MAX_FIELD_LENGTH = 128;

    /** Topic names are at most this long, a prefix selector's {@code /*} included. */
    public static final int MAX_TOPIC_LENGTH = 256;

    private static final Pattern USER_ID = Pattern.compile("[A-Za-z0-9._@-]{1,128}");
    /**
     * Segments of URL-safe characters, separated by single slashes: no empty segment, no slash at either end,
     * and no segment "." or ".." (a URL path would resolve them, so such a topic could not be published to).
     */
    private static final String SEGMENT = "(?!\\.\\.?(?:/|$))[A-Za-z0-9._~:@+-]+";
    private static final Pattern TOPIC = Pattern.compile(SEGMENT + "(/" + SEGMENT + ")*");
    private static final String TOPIC_RULE = "1-" + MAX_TOPIC_LENGTH
            + " characters of A-Z a-z 0-9 . _ ~ : @ + - in segments separated by single slashes, no segment . or ..";

    private FieldRules() {
    }

    public static Optional<String> userIdProblem(String userId) {
        return userId != null && USER_ID.matcher(userId).matches() ? Optional.empty()
                : Optional.of("userId must be 1-128 characters of A-Z a-z 0-9 . _ @ -");
    }

    public static Optional<String> eventNameProblem(String event) {
        return lineFieldProblem("event name", event);
    }

    public static Optional<String> idProblem(String id) {
        return lineFieldProblem("id", id);
    }

    public static Optional<String> lastEventIdProblem(String lastEventId) {
        return lineFieldProblem("Last-Event-ID", lastEventId);
    }

    /** Data must carry something; a payload of only blanks is refused like a missing one. */
    public static Optional<String> dataProblem(String data) {
        return data == null || data.isBlank() ? Optional.of("missing or blank data") : Optional.empty();
    }

    /** The payload's size in UTF-8, against the largest a publisher may send. */
    public static Optional<String> sizeProblem(String data, int maxBytes) {
        return data.getBytes(StandardCharsets.UTF_8).length > maxBytes
                ? Optional.of("data is larger than " + maxBytes + " bytes") : Optional.empty();
    }

    /** A topic an event is published to: one name, never a prefix. */
    public static Optional<String> topicProblem(String topic) {
        if (topic != null && Topics.isPrefix(topic)) {
            return Optional.of("topic '" + shown(topic) + "' is a prefix: an event is published to one topic name");
        }
        return validTopicName(topic) ? Optional.empty()
                : Optional.of("topic '" + shown(topic) + "' is not a topic name: " + TOPIC_RULE);
    }

    /** A topic a connection listens to: a name, or a prefix {@code name/*} for every name below it. */
    public static Optional<String> topicSelectorProblem(String selector) {
        if (selector != null && selector.length() <= MAX_TOPIC_LENGTH && Topics.isPrefix(selector)
                && validTopicName(selector.substring(0, selector.length() - Topics.PREFIX_MARK.length()))) {
            return Optional.empty();
        }
        return validTopicName(selector) ? Optional.empty() : Optional.of("topic '" + shown(selector)
                + "' is neither a topic name nor a prefix ending in /*: " + TOPIC_RULE);
    }

    private static boolean validTopicName(String topic) {
        return topic != null && topic.length() <= MAX_TOPIC_LENGTH && TOPIC.matcher(topic).matches();
    }

    /** A refused value as an error message shows it: short, on one line. */
    private static String shown(String value) {
        if (value == null) {
            return "";
        }
        String line = value.replaceAll("[\\r\\n\\x00]", "?");
        return line.length() > 64 ? line.substring(0, 64) + "..." : line;
    }

    /** A value that stands on one SSE field line: 1-128 characters, none of them CR, LF or NUL. */
    private static Optional<String> lineFieldProblem(String what, String value) {
        if (value == null || value.isEmpty() || value.length() > MAX_FIELD_LENGTH || breaksLine(value)) {
            return Optional.of(what + " must be 1-" + MAX_FIELD_LENGTH + " characters without CR, LF or NUL");
        }
        return Optional.empty();
    }

    /** CR or LF would end the field line; NUL makes browsers drop an id. */
    static boolean breaksLine(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\r' || c == '\n' || c == '\0') {
                return true;
            }
        }
        return false;
    }
}
