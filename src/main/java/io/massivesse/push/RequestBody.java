package io.massivesse.push;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;

import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import jakarta.json.stream.JsonParsingException;

/** Reading a request body the one way every endpoint does: bounded, and JSON refused with where it broke. */
final class RequestBody {

    /** Looked up once: Json's static methods look the provider up again on every call, which showed in profiles. */
    private static final JsonProvider JSON = JsonProvider.provider();

    private RequestBody() {
    }

    /** At most {@code limit} bytes of the body (none when there is no body); more is a 413, read no further. */
    static byte[] read(InputStream body, int limit) {
        if (body == null) {
            return new byte[0];
        }
        try {
            byte[] bytes = body.readNBytes(limit + 1);
            if (bytes.length > limit) {
                throw new ApiException(413, "body is larger than " + limit + " bytes");
            }
            return bytes;
        } catch (IOException e) {
            throw new ApiException(400, "could not read the request body");
        }
    }

    /** The body as a JSON object; anything else is a 400 saying what is wrong. */
    static JsonObject jsonObject(byte[] bytes) {
        try (JsonReader reader = JSON.createReader(new ByteArrayInputStream(bytes))) {
            JsonValue value = reader.readValue();
            if (value.getValueType() != JsonValue.ValueType.OBJECT) {
                throw new ApiException(400, "body must be a JSON object");
            }
            return value.asJsonObject();
        } catch (JsonParsingException e) {
            throw new ApiException(400, "malformed JSON at line " + e.getLocation().getLineNumber()
                    + ", column " + e.getLocation().getColumnNumber());
        } catch (JsonException e) {
            throw new ApiException(400, "malformed JSON");
        }
    }
}
