package io.massivesse.event;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SseFramesTest {

    private static String frame(Update update) {
        return new String(SseFrames.event(update), StandardCharsets.UTF_8);
    }

    @Test
    void eventHasIdNameAndData() {
        assertThat(frame(new Update("7", "greeting", "hello", null, 0)))
                .isEqualTo("id: 7\nevent: greeting\ndata: hello\n\n");
    }

    @Test
    void tokenExpiredNamesTheUserAndTellsWhatToDo() {
        assertThat(new String(SseFrames.tokenExpired("alice"), java.nio.charset.StandardCharsets.UTF_8))
                .isEqualTo("event: token-expired\ndata: {\"userId\":\"alice\",\"reason\":\"the stream's token expired; "
                        + "reconnect with a new token and Last-Event-ID\"}\n\n");
    }

    @Test
    void defaultMessageNameIsLeftOut() {
        assertThat(frame(new Update("7", null, "x", null, 0))).isEqualTo("id: 7\ndata: x\n\n");
        assertThat(frame(new Update("7", "message", "x", null, 0))).isEqualTo("id: 7\ndata: x\n\n");
    }

    @Test
    void everyKindOfLineBreakStartsANewDataLine() {
        assertThat(frame(new Update("1", null, "a\nb\r\nc\rd", null, 0)))
                .isEqualTo("id: 1\ndata: a\ndata: b\ndata: c\ndata: d\n\n");
    }

    @Test
    void injectedFieldsStayInsideData() {
        String hostile = "x\n\nevent: forged\ndata: y";
        assertThat(frame(new Update("1", null, hostile, null, 0)))
                .isEqualTo("id: 1\ndata: x\ndata: \ndata: event: forged\ndata: data: y\n\n");
    }

    @Test
    void trailingAndEmptyLinesSurvive() {
        assertThat(frame(new Update("1", null, "a\n", null, 0))).isEqualTo("id: 1\ndata: a\ndata: \n\n");
        assertThat(frame(new Update("1", null, "\r\n\r\n", null, 0))).isEqualTo("id: 1\ndata: \ndata: \ndata: \n\n");
    }

    @Test
    void nonAsciiIsUtf8() {
        byte[] bytes = SseFrames.event(new Update("1", null, "héllo 😀", null, 0));
        assertThat(new String(bytes, StandardCharsets.UTF_8)).isEqualTo("id: 1\ndata: héllo 😀\n\n");
        assertThat(bytes).hasSize("id: 1\ndata: h".length() + 2 + "llo ".length() + 4 + 2);
    }

    @Test
    void controlFrameCarriesRetryHint() {
        assertThat(new String(SseFrames.control("connected", "{\"userId\":\"a\"}", 3000), StandardCharsets.UTF_8))
                .isEqualTo("retry: 3000\nevent: connected\ndata: {\"userId\":\"a\"}\n\n");
        assertThat(new String(SseFrames.control("replaced", "{}", null), StandardCharsets.UTF_8))
                .isEqualTo("event: replaced\ndata: {}\n\n");
    }

    @Test
    void fieldBreakersAreFound() {
        assertThat(FieldRules.breaksLine("ok-name.1")).isFalse();
        assertThat(FieldRules.breaksLine("a\nb")).isTrue();
        assertThat(FieldRules.breaksLine("a\rb")).isTrue();
        assertThat(FieldRules.breaksLine("a\0b")).isTrue();
    }
}
