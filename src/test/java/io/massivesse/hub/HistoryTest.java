package io.massivesse.hub;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.massivesse.event.Topics;
import io.massivesse.event.Update;

import static org.assertj.core.api.Assertions.assertThat;

class HistoryTest {

    private static byte[] frame(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** An update of this id for the user (or everyone), or with {@code "#topic"} for that topic. */
    private static Update update(String id, String target) {
        boolean topic = target != null && target.startsWith("#");
        return new Update(id, null, "x", topic ? null : target, topic ? target.substring(1) : null, 0);
    }

    private static List<String> text(List<byte[]> frames) {
        return frames.stream().map(f -> new String(f, StandardCharsets.UTF_8)).toList();
    }

    @Test
    void replaysBroadcastsAndTheUsersOwnEventsAfterTheId() {
        History history = new History(100, 1 << 20);
        history.append(update("1", null), frame("b1"));
        history.append(update("2", "alice"), frame("a2"));
        history.append(update("3", "bob"), frame("x3"));
        history.append(update("4", null), frame("b4"));
        history.append(update("5", "alice"), frame("a5"));
        assertThat(text(history.after("1", "alice", Topics.NONE))).containsExactly("a2", "b4", "a5");
        assertThat(text(history.after("2", "bob", Topics.NONE))).containsExactly("x3", "b4");
        assertThat(history.after("5", "alice", Topics.NONE)).isEmpty();
    }

    @Test
    void unknownOrEvictedIdsAreNull() {
        History history = new History(3, 1 << 20);
        for (int i = 1; i <= 5; i++) {
            history.append(update(String.valueOf(i), null), frame("e" + i));
        }
        assertThat(history.size()).isEqualTo(3);
        assertThat(history.after("2", "u", Topics.NONE)).isNull();
        assertThat(history.after("never", "u", Topics.NONE)).isNull();
        assertThat(text(history.after("3", "u", Topics.NONE))).containsExactly("e4", "e5");
    }

    @Test
    void byteBoundEvictsOldest() {
        History history = new History(100, 10);
        history.append(update("1", null), frame("12345"));
        history.append(update("2", null), frame("12345"));
        history.append(update("3", null), frame("12345"));
        assertThat(history.size()).isEqualTo(2);
        assertThat(history.bytes()).isEqualTo(10);
        assertThat(history.after("1", "u", Topics.NONE)).isNull();
    }

    @Test
    void reusedIdResumesFromItsNewestUse() {
        History history = new History(100, 1 << 20);
        history.append(update("k", null), frame("first"));
        history.append(update("x", null), frame("middle"));
        history.append(update("k", null), frame("again"));
        history.append(update("y", null), frame("last"));
        assertThat(text(history.after("k", "u", Topics.NONE))).containsExactly("last");
    }

    @Test
    void sizeZeroKeepsNothing() {
        History history = new History(0, 1 << 20);
        history.append(update("1", null), frame("e"));
        assertThat(history.after("1", "u", Topics.NONE)).isNull();
    }
}
