package io.massivesse.push;

import java.util.regex.Pattern;

/**
 * One event as it travels from a publisher to the subscribers: what Mercure calls an update.
 *
 * @param id          cluster-unique id, sortable by publish time (or the publisher's own)
 * @param event       event name; {@code null} for the default {@code message}
 * @param data        payload; line breaks become separate {@code data:} lines on the wire
 * @param userId      target user, or {@code null} for a broadcast
 * @param publishedAt epoch millis when the publishing node accepted it
 */
public record Update(String id, String event, String data, String userId, long publishedAt) {

    private static final Pattern USER_ID = Pattern.compile("[A-Za-z0-9._@-]{1,128}");
    /** Ids double as idempotency keys and travel in every frame: keep them, and names, short. */
    public static final int MAX_FIELD_LENGTH = 128;

    /** The user ids the API accepts, wherever they come from (path, JMS property). */
    public static boolean isValidUserId(String userId) {
        return userId != null && USER_ID.matcher(userId).matches();
    }

    /** An event name or id that can stand on one SSE field line: 1-128 characters without CR, LF or NUL. */
    public static boolean isValidField(String value) {
        return value != null && !value.isEmpty() && value.length() <= MAX_FIELD_LENGTH && !SseFrames.breaksField(value);
    }

    public boolean isBroadcast() {
        return userId == null;
    }
}
