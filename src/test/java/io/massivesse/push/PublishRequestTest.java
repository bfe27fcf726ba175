package io.massivesse.push;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PublishRequestTest {

    private static PublishRequest parse(String type, String body, String message) {
        return PublishRequest.parse(type, body == null ? null : new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)),
                message, 100);
    }

    private static void refused(String type, String body, String message, int status, String fragment) {
        assertThatThrownBy(() -> parse(type, body, message))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(status);
                    assertThat(e.getMessage()).contains(fragment);
                });
    }

    @Test
    void jsonBodyWithAllFields() {
        assertThat(parse("application/json; charset=utf-8", "{\"data\":\"hi\",\"event\":\"e\",\"id\":\"42\"}", null))
                .isEqualTo(new PublishRequest("hi", "e", "42"));
    }

    @Test
    void jsonDataThatIsNotAStringIsSentAsJsonText() {
        assertThat(parse("application/json", "{\"data\":{\"n\":1}}", null).data()).isEqualTo("{\"n\":1}");
    }

    @Test
    void queryMessageWithoutBody() {
        assertThat(parse(null, null, "hello")).isEqualTo(new PublishRequest("hello", null, null));
        assertThat(parse(null, "", "hello")).isEqualTo(new PublishRequest("hello", null, null));
    }

    @Test
    void formBody() {
        assertThat(parse("application/x-www-form-urlencoded", "message=a+b%26c&event=news", null))
                .isEqualTo(new PublishRequest("a b&c", "news", null));
    }

    @Test
    void missingOrBlankData() {
        refused(null, null, null, 400, "missing data");
        refused("application/json", "{\"event\":\"x\"}", null, 400, "blank data");
        refused("application/json", "{\"data\":\" \\n \"}", null, 400, "blank data");
        refused(null, null, "   ", 400, "blank data");
    }

    @Test
    void malformedJson() {
        refused("application/json", "{\"data\": \"x", null, 400, "malformed JSON");
        refused("application/json", "[1]", null, 400, "JSON object");
        refused("application/json", "{\"data\":\"x\",\"event\":7}", null, 400, "'event' must be a string");
    }

    @Test
    void lineBreaksInNameOrIdAreRefused() {
        refused("application/json", "{\"data\":\"x\",\"event\":\"a\\nb\"}", null, 400, "event name");
        refused("application/json", "{\"data\":\"x\",\"event\":\"a\\rb\"}", null, 400, "event name");
        refused("application/json", "{\"data\":\"x\",\"id\":\"a\\r\\nb\"}", null, 400, "id must be");
        refused("application/json", "{\"data\":\"x\",\"id\":\"a\\u0000b\"}", null, 400, "id must be");
        refused("application/json", "{\"data\":\"x\",\"id\":\"\"}", null, 400, "id must be");
    }

    @Test
    void oversizedDataAndBodies() {
        refused("application/json", "{\"data\":\"" + "x".repeat(101) + "\"}", null, 413, "larger than 100");
        refused("application/json", "{\"data\":\"" + "x".repeat(5000) + "\"}", null, 413, "body is larger");
        refused(null, null, "y".repeat(101), 413, "larger than 100");
        assertThat(parse("application/json", "{\"data\":\"" + "x".repeat(100) + "\"}", null).data()).hasSize(100);
    }

    @Test
    void otherMediaTypes() {
        refused("text/plain", "hello", null, 415, "text/plain");
        refused(null, "hello", null, 415, "(none)");
    }
}
