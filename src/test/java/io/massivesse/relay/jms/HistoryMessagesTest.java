package io.massivesse.relay.jms;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import jakarta.jms.JMSException;
import jakarta.jms.TextMessage;

import org.junit.jupiter.api.Test;

import io.massivesse.hub.KeptEvent;

import static org.assertj.core.api.Assertions.assertThat;

class HistoryMessagesTest {

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aHistorySurvivesTheTripInPartsInOrder() {
        List<KeptEvent> events = new ArrayList<>();
        events.add(new KeptEvent("1-b", null, null, 10, bytes("id: 1-b\ndata: to all \u00e9\n\n")));
        events.add(new KeptEvent("2-u", "alice", null, 11, null));
        for (int i = 0; i < 2_500; i++) {
            events.add(new KeptEvent("t" + i, null, "news/" + (i % 3), 12 + i, bytes("id: t" + i + "\ndata: x\n\n")));
        }
        List<String> parts = HistoryMessages.parts(events);
        assertThat(parts).hasSize(3);
        List<KeptEvent> back = new ArrayList<>();
        parts.forEach(part -> back.addAll(HistoryMessages.read(part)));
        assertThat(back).hasSize(events.size());
        for (int i = 0; i < events.size(); i++) {
            KeptEvent sent = events.get(i);
            KeptEvent read = back.get(i);
            assertThat(read.id()).isEqualTo(sent.id());
            assertThat(read.userId()).isEqualTo(sent.userId());
            assertThat(read.topic()).isEqualTo(sent.topic());
            assertThat(read.at()).isEqualTo(sent.at());
            assertThat(read.frame()).isEqualTo(sent.frame());
        }
    }

    @Test
    void largeFramesMakeMorePartsNoneOverAMegabyteOrSo() {
        byte[] frame = bytes("data: " + "x".repeat(60_000) + "\n\n");
        List<KeptEvent> events = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            events.add(new KeptEvent("e" + i, null, null, i, frame));
        }
        List<String> parts = HistoryMessages.parts(events);
        assertThat(parts.size()).isGreaterThanOrEqualTo(6);
        assertThat(parts).allSatisfy(part -> assertThat(part.length()).isLessThan(HistoryMessages.PART_CHARS + 70_000));
    }

    @Test
    void requestsNeedTheirNodes() throws JMSException {
        TextMessage offer = JmsCodecTest.textMessage();
        offer.setStringProperty(ControlMessages.CONTROL, HistoryMessages.OFFER);
        offer.setStringProperty(ControlMessages.NODE, "node3");
        assertThat(JmsCodec.read(offer)).isEqualTo(new JmsCodec.HistoryRequest("node3", null));

        TextMessage send = JmsCodecTest.textMessage();
        send.setStringProperty(ControlMessages.CONTROL, HistoryMessages.SEND);
        send.setStringProperty(ControlMessages.NODE, "node3");
        assertThat(JmsCodec.read(send)).isInstanceOf(JmsCodec.Invalid.class);
        send.setStringProperty(HistoryMessages.TO, "node1");
        assertThat(JmsCodec.read(send)).isEqualTo(new JmsCodec.HistoryRequest("node3", "node1"));
    }
}
