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

    private static final Pattern USER_ID = Pattern.compile("[A-Za-z0-9._@-]{1,128}");

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
