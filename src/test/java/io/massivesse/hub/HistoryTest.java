package io.massivesse.hub;

import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.massivesse.event.Topics;
import io.massivesse.event.Update;

import static org.assertj.core.api.Assertions.assertThat;

class HistoryTest {

    private static final long T0 = 1_000_000;

    /** Evictions counted by cause, as the hub's metrics hear them. */
    private final Map<Eviction, Integer> evicted = new EnumMap<>(Eviction.class);
    private final HubMetrics metrics = new HubMetrics() {
        @Override
        public void historyEvicted(Eviction cause) {
            evicted.merge(cause, 1, Integer::sum);
        }
    };

    private History history(int streamSize, int userSize, int ttlSeconds, long maxBytes) {
        return new History(new HistorySettings(streamSize, userSize, ttlSeconds, maxBytes), metrics);
    }

    /** An update of this id and frame for everyone ({@code null}), a user ({@code "alice"}) or a topic ({@code "#news"}). */
    private static Update update(String id, String target) {
        boolean topic = target != null && target.startsWith("#");
        return new Update(id, null, "x", topic ? null : target, topic ? target.substring(1) : null, 0);
    }

    private static void append(History history, String id, String target, long at) {
        history.append(update(id, target), id.getBytes(StandardCharsets.UTF_8), at);
    }

    private static List<String> text(List<byte[]> frames) {
        return frames.stream().map(f -> new String(f, StandardCharsets.UTF_8)).toList();
    }

    private static Topics topics(String... selectors) {
        return Topics.of(List.of(selectors));
    }

    @Test
    void resumeGivesEveryStreamOfTheConnectionInPublishOrder() {
        History history = history(100, 100, 300, 1 << 20);
        append(history, "b1", null, T0);
        append(history, "a2", "alice", T0);
        append(history, "n3", "#news", T0);
        append(history, "x4", "bob", T0);
        append(history, "s5", "#sport/ski", T0);
        append(history, "b6", null, T0);
        append(history, "o7", "#other", T0);
        append(history, "a8", "alice", T0);
        append(history, "s9", "#sport/golf", T0);
        Resume resume = history.after("b1", "alice", topics("news", "sport/*"), T0 + 1);
        assertThat(resume.outcome()).isEqualTo(ResumeOutcome.COMPLETE);
        assertThat(resume.lost()).isEmpty();
        assertThat(text(resume.frames())).containsExactly("a2", "n3", "s5", "b6", "a8", "s9");
        assertThat(text(history.after("x4", "bob", Topics.NONE, T0 + 1).frames())).containsExactly("b6");
        assertThat(history.after("s9", "alice", topics("news"), T0 + 1).frames()).isEmpty();
    }

    @Test
    void aResumeReplaysAtMostItsBoundTheNewestEventsAndNamesTheStreamsWhoseOlderOnesItLeftOut() {
        History history = new History(new HistorySettings(100, 100, 300, 1 << 20, 4, Long.MAX_VALUE), metrics);
        append(history, "b0", null, T0);
        append(history, "a1", "#a/1", T0);
        append(history, "c2", "#c/1", T0);
        append(history, "a3", "#a/2", T0);
        append(history, "b4", null, T0);
        append(history, "a5", "#a/1", T0);
        append(history, "a6", "#a/2", T0);
        append(history, "b7", null, T0);

        Resume resume = history.after("b0", "u", topics("a/*", "c/1"), T0 + 1);

        // Seven events missed, four replayed: the newest, so live events follow them without a gap.
        assertThat(text(resume.frames())).containsExactly("b4", "a5", "a6", "b7");
        assertThat(resume.outcome()).isEqualTo(ResumeOutcome.PARTIAL);
        assertThat(resume.lost()).containsExactlyInAnyOrder("topic:a/1", "topic:a/2", "topic:c/1");
        // Within the bound, nothing is named.
        Resume within = history.after("a3", "u", topics("a/*"), T0 + 1);
        assertThat(text(within.frames())).containsExactly("b4", "a5", "a6", "b7");
        assertThat(within.outcome()).isEqualTo(ResumeOutcome.COMPLETE);
    }

    @Test
    void aResumeReplaysAtMostItsBoundInBytes() {
        History history = new History(new HistorySettings(100, 100, 300, 1 << 20, 1000, 5), metrics);
        append(history, "b0", null, T0);
        append(history, "n1", "#news", T0);
        append(history, "b2", null, T0);
        append(history, "n3", "#news", T0);

        Resume resume = history.after("b0", "u", topics("news"), T0 + 1);

        // Frames of two bytes: the newest two fit in five, the third would not, and its stream is named.
        assertThat(text(resume.frames())).containsExactly("b2", "n3");
        assertThat(resume.lost()).containsExactly("topic:news");
    }

    @Test
    void aBusyStreamDoesNotPushAQuietStreamOut() {
        History history = history(10, 5, 300, 1 << 24);
        append(history, "q1", "#quiet", T0);
        for (int i = 0; i < 12_000; i++) {
            append(history, "busy" + i, "#busy", T0);
        }
        append(history, "q2", "#quiet", T0);
        Resume quiet = history.after("q1", "u", topics("quiet"), T0 + 1);
        assertThat(quiet.outcome()).isEqualTo(ResumeOutcome.COMPLETE);
        assertThat(text(quiet.frames())).containsExactly("q2");
        // The busy stream kept its last ten only: from the quiet event it lost events, and the reset names it alone.
        Resume both = history.after("q1", "u", topics("quiet", "busy"), T0 + 1);
        assertThat(both.outcome()).isEqualTo(ResumeOutcome.PARTIAL);
        assertThat(both.lost()).containsExactly("topic:busy");
        assertThat(text(both.frames())).hasSize(11).endsWith("busy11999", "q2");
        assertThat(evicted).containsEntry(Eviction.SIZE, 12_000 - 10);
        assertThat(history.events()).isEqualTo(12);
        assertThat(history.ids()).isEqualTo(12_002);
    }

    @Test
    void usersStreamsHaveTheirOwnSize() {
        History history = history(100, 2, 300, 1 << 20);
        append(history, "b0", null, T0);
        for (int i = 1; i <= 4; i++) {
            append(history, "a" + i, "alice", T0);
        }
        Resume resume = history.after("b0", "alice", Topics.NONE, T0);
        assertThat(resume.lost()).containsExactly("user:alice");
        assertThat(text(resume.frames())).containsExactly("a3", "a4");
        Resume fromKept = history.after("a2", "alice", Topics.NONE, T0);
        assertThat(fromKept.outcome()).isEqualTo(ResumeOutcome.COMPLETE);
        assertThat(text(fromKept.frames())).containsExactly("a3", "a4");
    }

    @Test
    void nothingOutlivesTheTimeToLiveAndAnExpiredIdIsUnknown() {
        History history = history(100, 100, 60, 1 << 20);
        append(history, "old", "#news", T0);
        append(history, "mid", null, T0 + 30_000);
        append(history, "new", "#news", T0 + 59_000);
        assertThat(text(history.after("old", "u", topics("news"), T0 + 59_999).frames())).containsExactly("mid", "new");
        Resume late = history.after("old", "u", topics("news"), T0 + 60_000);
        assertThat(late.outcome()).isEqualTo(ResumeOutcome.UNKNOWN_ID);
        assertThat(late.lost()).containsExactly("broadcast", "user:u", "topic:news");
        assertThat(late.frames()).isEmpty();
        assertThat(evicted).containsEntry(Eviction.TTL, 1);
        Resume fromMid = history.after("mid", "u", topics("news"), T0 + 60_000);
        assertThat(fromMid.outcome()).isEqualTo(ResumeOutcome.COMPLETE);
        assertThat(text(fromMid.frames())).containsExactly("new");
    }

    @Test
    void theByteBoundTakesTheOldestEventsWhateverTheirStreamAndIsCounted() {
        // Room for three ids with their 10-byte frames, the broadcast stream and two more streams.
        long room = 3 * (History.ID_BYTES + History.FRAME_BYTES + 10) + 3 * History.STREAM_BYTES;
        History history = history(100, 100, 300, room);
        append(history, "aaaaaaaaa1", "#a", T0);
        append(history, "bbbbbbbbb2", "#b", T0);
        append(history, "aaaaaaaaa3", "#a", T0);
        assertThat(history.bytes()).isEqualTo(room);
        append(history, "bbbbbbbbb4", "#b", T0);
        assertThat(evicted).containsEntry(Eviction.BYTES, 1);
        assertThat(history.events()).isEqualTo(3);
        // The oldest (topic a's first) went; its id went too, to make room for the new id.
        assertThat(history.after("aaaaaaaaa1", "u", topics("a"), T0).outcome()).isEqualTo(ResumeOutcome.UNKNOWN_ID);
        Resume fromB = history.after("bbbbbbbbb2", "u", topics("a", "b"), T0);
        assertThat(fromB.outcome()).isEqualTo(ResumeOutcome.COMPLETE);
        assertThat(text(fromB.frames())).containsExactly("aaaaaaaaa3", "bbbbbbbbb4");
        assertThat(history.bytes()).isLessThanOrEqualTo(room);
    }

    @Test
    void theResetNamesExactlyTheStreamsThatLostEvents() {
        History history = history(2, 2, 300, 1 << 20);
        append(history, "start", null, T0);
        append(history, "n1", "#news", T0);
        append(history, "n2", "#news", T0);
        append(history, "n3", "#news", T0);
        append(history, "s1", "#sport/ski", T0);
        append(history, "g1", "#sport/golf", T0);
        append(history, "g2", "#sport/golf", T0);
        append(history, "g3", "#sport/golf", T0);
        append(history, "m1", "alice", T0);
        Resume resume = history.after("start", "alice", topics("news", "sport/*"), T0);
        assertThat(resume.outcome()).isEqualTo(ResumeOutcome.PARTIAL);
        assertThat(resume.lost()).containsExactlyInAnyOrder("topic:news", "topic:sport/golf");
        assertThat(text(resume.frames())).containsExactly("n2", "n3", "s1", "g2", "g3", "m1");
        // From after the losses, nothing is lost.
        assertThat(history.after("g2", "alice", topics("news", "sport/*"), T0).lost()).isEmpty();
    }

    @Test
    void latestIsTheNewestKeptEventOfEachTopicExactOrBelowAPrefix() {
        History history = history(100, 100, 300, 1 << 20);
        append(history, "p1", "#prices/acme", T0);
        append(history, "p2", "#prices/globex", T0);
        append(history, "p3", "#prices/acme", T0);
        append(history, "o1", "#orders/1", T0);
        append(history, "b1", null, T0);
        assertThat(text(history.latest(topics("prices/acme"), T0))).containsExactly("p3");
        assertThat(text(history.latest(topics("prices/*", "orders/1", "none"), T0))).containsExactly("p2", "p3", "o1");
        assertThat(history.latest(topics("prices"), T0)).isEmpty();
        assertThat(history.latest(topics("prices/acme"), T0 + 300_000)).isEmpty();
    }

    @Test
    void aPrefixGivesTheLatestOfAtMostAThousandTopics() {
        History history = history(100, 100, 300, 1 << 26);
        for (int i = 0; i < 1500; i++) {
            append(history, "e" + i, "#many/" + i, T0);
        }
        assertThat(history.latest(topics("many/*"), T0)).hasSize(History.LATEST_PER_PREFIX);
    }

    @Test
    void aStreamThatKeepsNothingIsForgottenOnceNoKnownIdIsOlderThanItsLoss() {
        History history = history(100, 0, 20, 1 << 20);
        append(history, "b0", null, T0);
        append(history, "a1", "alice", T0 + 1_000);
        append(history, "b1", null, T0 + 15_000);
        // Alice's stream keeps nothing, but b0 is older than her event: a resume from b0 must still name her.
        assertThat(history.streams()).isEqualTo(2);
        Resume fromB0 = history.after("b0", "alice", Topics.NONE, T0 + 15_000);
        assertThat(fromB0.lost()).containsExactly("user:alice");
        assertThat(text(fromB0.frames())).containsExactly("b1");
        // At T0 + 25 s b0 and a1 are older than the time to live: no known id needs her stream any more.
        history.expire(T0 + 25_000);
        assertThat(history.streams()).isEqualTo(1);
        assertThat(history.after("b1", "alice", Topics.NONE, T0 + 25_000).outcome()).isEqualTo(ResumeOutcome.COMPLETE);
    }

    @Test
    void aStartingNodeFillsFromAnothersHistoryWithoutLosingOrDoublingWhatCameMeanwhile() {
        History running = history(2, 100, 300, 1 << 20);
        append(running, "b1", null, T0);
        append(running, "n1", "#news", T0 + 1);
        append(running, "n2", "#news", T0 + 2);
        append(running, "n3", "#news", T0 + 3);
        append(running, "a1", "alice", T0 + 4);
        // The starting node already received the last two (its durable subscription's backlog), then one more.
        History starting = history(2, 100, 300, 1 << 20);
        append(starting, "n3", "#news", T0 + 10);
        append(starting, "a1", "alice", T0 + 10);
        append(starting, "b2", null, T0 + 11);
        List<KeptEvent> theirs = running.export();
        assertThat(theirs).extracting(KeptEvent::id).containsExactly("b1", "n1", "n2", "n3", "a1");
        assertThat(theirs.get(1).frame()).as("n1 was dropped by its stream: only its id goes over").isNull();

        starting.fill(theirs, T0 + 12);
        Resume resume = starting.after("b1", "alice", topics("news"), T0 + 12);
        assertThat(text(resume.frames())).containsExactly("n2", "n3", "a1", "b2");
        assertThat(resume.lost()).as("news dropped n1 on the running node").containsExactly("topic:news");
        assertThat(starting.after("n1", "alice", topics("news"), T0 + 12).lost()).isEmpty();
        assertThat(starting.ids()).isEqualTo(6);
        assertThat(starting.events()).isEqualTo(5);
    }

    @Test
    void keepingNothingMakesEveryResumeAReset() {
        History history = new History(HistorySettings.NONE, metrics);
        append(history, "1", null, T0);
        assertThat(history.after("1", "u", Topics.NONE, T0).outcome()).isEqualTo(ResumeOutcome.UNKNOWN_ID);
        assertThat(history.events()).isZero();
    }
}
