package io.massivesse.push;

import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import io.massivesse.event.FieldRules;

/**
 * What a publisher asked for, parsed and validated: a JSON body
 * {@code {"data": "...", "event": "name", "id": "optional"}}, or the form API of the Spring WebFlux
 * service this one replaces: {@code ?message=text} / form field {@code message}.
 */
public record PublishRequest(String data, String event, String id) {

    /**
     * @param contentType    the request's Content-Type, or {@code null}
     * @param body           the request body (read here, at most {@code maxBytes} + 1 bytes)
     * @param queryMessage   the {@code ?message=} parameter, or {@code null}
     * @param maxBytes       largest payload accepted
     */
    public static PublishRequest parse(String contentType, InputStream body, String queryMessage, int maxBytes) {
        // JSON quoting can double a payload's size; the payload itself is checked against maxBytes afterwards.
        byte[] bytes = RequestBody.read(body, maxBytes * 2 + 1024);
        PublishRequest request;
        if (bytes.length == 0) {
            if (queryMessage == null) {
                throw new ApiException(400, "missing data: send a JSON body {\"data\": \"...\"} or ?message=");
            }
            request = new PublishRequest(queryMessage, null, null);
        } else {
            String type = contentType == null ? "" : contentType.toLowerCase();
            if (type.startsWith("application/json") || type.matches("application/[a-z0-9.+-]+\\+json.*")) {
                request = fromJson(bytes);
            } else if (type.startsWith("application/x-www-form-urlencoded")) {
                request = fromForm(bytes, queryMessage);
            } else {
                throw new ApiException(415, "unsupported media type " + (contentType == null ? "(none)" : "'" + contentType + "'")
                        + ": use application/json or application/x-www-form-urlencoded");
            }
        }
        return request.validated(maxBytes);
    }

    private PublishRequest validated(int maxBytes) {
        ApiException.refuseIf(FieldRules.dataProblem(data));
        FieldRules.sizeProblem(data, maxBytes).ifPresent(tooLarge -> {
            throw new ApiException(413, tooLarge);
        });
        if (event != null) {
            ApiException.refuseIf(FieldRules.eventNameProblem(event));
        }
        if (id != null) {
            ApiException.refuseIf(FieldRules.idProblem(id));
        }
        return this;
    }

    private static PublishRequest fromJson(byte[] bytes) {
        JsonObject json = RequestBody.jsonObject(bytes);
        return new PublishRequest(dataOf(json.get("data")), stringOf(json, "event"), stringOf(json, "id"));
    }

    /** A string is sent as it is; any other JSON value (object, array, number) is sent as its JSON text. */
    private static String dataOf(JsonValue value) {
        if (value == null || value.getValueType() == JsonValue.ValueType.NULL) {
            return null;
        }
        return value instanceof JsonString text ? text.getString() : value.toString();
    }

    private static String stringOf(JsonObject json, String field) {
        JsonValue value = json.get(field);
        if (value == null || value.getValueType() == JsonValue.ValueType.NULL) {
            return null;
        }
        if (!(value instanceof JsonString text)) {
            throw new ApiException(400, "'" + field + "' must be a string");
        }
        return text.getString();
    }

    private static PublishRequest fromForm(byte[] bytes, String queryMessage) {
        String message = queryMessage;
        String event = null;
        String id = null;
        try {
            for (String pair : new String(bytes, StandardCharsets.US_ASCII).split("&")) {
                int eq = pair.indexOf('=');
                String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                switch (name) {
                    case "message", "data" -> message = value;
                    case "event" -> event = value;
                    case "id" -> id = value;
                    default -> { } // unknown fields are ignored, as browsers' forms add their own
                }
            }
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, "malformed form body");
        }
        return new PublishRequest(message, event, id);
    }
}
