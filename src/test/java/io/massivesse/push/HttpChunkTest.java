package io.massivesse.push;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import io.massivesse.event.SseFrames;

import static org.assertj.core.api.Assertions.assertThat;

class HttpChunkTest {

    @Test
    void aFrameIsItsSizeInHexThenItsBytesEachEndedByCrLf() {
        byte[] frame = "data: x\n\n".repeat(30).getBytes(StandardCharsets.UTF_8);

        assertThat(new String(HttpChunk.of(frame), StandardCharsets.UTF_8))
                .isEqualTo("10e\r\n" + "data: x\n\n".repeat(30) + "\r\n");
        assertThat(new String(HttpChunk.of(SseFrames.PING), StandardCharsets.UTF_8)).isEqualTo("8\r\n: ping\n\n\r\n");
    }

    @Test
    void theSameFrameIsFramedOnceAndAnEqualButOtherFrameAgain() {
        byte[] frame = "data: a\n\n".getBytes(StandardCharsets.UTF_8);
        byte[] chunk = HttpChunk.of(frame);

        assertThat(HttpChunk.of(frame)).isSameAs(chunk);
        byte[] other = frame.clone();
        assertThat(HttpChunk.of(other)).isNotSameAs(chunk).isEqualTo(chunk);
    }
}
