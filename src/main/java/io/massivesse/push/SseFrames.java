package io.massivesse.push;

import java.nio.charset.StandardCharsets;

/**
 * Encodes SSE frames once per event, as bytes every connection can share.
 * Names and ids are validated at publish time; data is split here so a payload can
 * never end an event early or inject a field.
 */
public final class SseFrames {

    /** Comment line that keeps idle streams (and the proxies in front of them) alive. */
    public static final byte[] PING = ": ping\n\n".getBytes(StandardCharsets.US_ASCII);

    private SseFrames() {
    }

    public static byte[] event(Update update) {
        StringBuilder frame = new StringBuilder(update.data().length() + 64);
        if (update.id() != null) {
            frame.append("id: ").append(update.id()).append('\n');
        }
        if (update.event() != null && !update.event().equals("message")) {
            frame.append("event: ").append(update.event()).append('\n');
        }
        appendData(frame, update.data());
        return frame.append('\n').toString().getBytes(StandardCharsets.UTF_8);
    }

    /** A named control event (connected, replaced, reset, server-shutdown), optionally with a retry hint. */
    public static byte[] control(String event, String jsonData, Integer retryMillis) {
        StringBuilder frame = new StringBuilder(64 + jsonData.length());
        if (retryMillis != null) {
            frame.append("retry: ").append(retryMillis).append('\n');
        }
        frame.append("event: ").append(event).append('\n');
        appendData(frame, jsonData);
        return frame.append('\n').toString().getBytes(StandardCharsets.UTF_8);
    }

    /** One {@code data:} line per line of the payload; CR, LF and CRLF all end a line (as the SSE parser sees them). */
    static void appendData(StringBuilder frame, String data) {
        int start = 0;
        int length = data.length();
        for (int i = 0; i < length; i++) {
            char c = data.charAt(i);
            if (c == '\r' || c == '\n') {
                frame.append("data: ").append(data, start, i).append('\n');
                if (c == '\r' && i + 1 < length && data.charAt(i + 1) == '\n') {
                    i++;
                }
                start = i + 1;
            }
        }
        frame.append("data: ").append(data, start, length).append('\n');
    }

    /** True when the value would break a field line: CR or LF end it, NUL makes browsers drop an id. */
    public static boolean breaksField(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\r' || c == '\n' || c == '\0') {
                return true;
            }
        }
        return false;
    }
}
