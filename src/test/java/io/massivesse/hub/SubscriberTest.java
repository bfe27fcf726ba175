package io.massivesse.hub;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.massivesse.event.SseFrames;
import io.massivesse.event.Topics;

import static org.assertj.core.api.Assertions.assertThat;

class SubscriberTest {

    private static final long QUIET = TimeUnit.MILLISECONDS.toNanos(500);
    private static final byte[] EVENT = "data: e1\n\n".getBytes(StandardCharsets.UTF_8);

    private static Subscriber subscriber(RecordingStream stream, Executor writers) {
        return new Subscriber("u", Topics.NONE, 1, stream, 10, writers, (s, reason) -> { }, () -> SseFrames.retry(3000),
                HubMetrics.NONE, 0);
    }

    @Test
    void aHeartbeatIsLeftOutRightAfterAnEventAndSentOnceTheStreamWasQuiet() {
        RecordingStream stream = new RecordingStream();
        // Writes on the calling thread: what the writer took is written when offer returns.
        Subscriber subscriber = subscriber(stream, Runnable::run);
        subscriber.start();
        subscriber.offer(EVENT, true);

        subscriber.heartbeat(System.nanoTime(), QUIET);
        assertThat(stream.frames).containsExactly("data: e1\n\n");

        subscriber.heartbeat(System.nanoTime() + QUIET, QUIET);
        assertThat(stream.frames).containsExactly("data: e1\n\n", ": ping\n\n");
    }

    @Test
    void aStreamWhoseWriterTookNothingLatelyIsStillPingedSoAStalledQueueFills() {
        List<Runnable> notRun = new ArrayList<>();
        Subscriber subscriber = subscriber(new RecordingStream(), notRun::add);
        subscriber.start();
        subscriber.offer(EVENT, true);

        subscriber.heartbeat(System.nanoTime() + QUIET, QUIET);

        assertThat(subscriber.queued()).isEqualTo(2);
        assertThat(notRun).hasSize(1);
    }

    @Test
    void aStreamThatNeverHadAnEventIsPingedOnceItWasQuiet() {
        RecordingStream stream = new RecordingStream();
        Subscriber subscriber = subscriber(stream, Runnable::run);
        subscriber.start();

        subscriber.heartbeat(System.nanoTime() + QUIET, QUIET);

        assertThat(stream.frames).containsExactly(": ping\n\n");
    }

    @Test
    void aFrameOfferedWhileNothingWaitsIsWrittenAtOnceWithoutAWriterThread() {
        RecordingStream stream = socketTaking(EventStream.Sent.WHOLE);
        List<Runnable> writers = new ArrayList<>();
        Subscriber subscriber = subscriber(stream, writers::add);
        subscriber.start();

        assertThat(subscriber.offer(EVENT, true)).isTrue();

        assertThat(stream.frames).containsExactly("data: e1\n\n");
        assertThat(writers).isEmpty();
        assertThat(subscriber.queued()).isZero();
        // The frame counts as traffic: no heartbeat right after it.
        subscriber.heartbeat(System.nanoTime(), QUIET);
        assertThat(stream.frames).containsExactly("data: e1\n\n");
    }

    @Test
    void aFrameOfferedForTheQueueIsQueuedEvenWhenNothingWaits() {
        RecordingStream stream = socketTaking(EventStream.Sent.WHOLE);
        List<Runnable> writers = new ArrayList<>();
        Subscriber subscriber = subscriber(stream, writers::add);
        subscriber.start();

        subscriber.offer(frame("e1"), false);
        subscriber.offer(frame("e2"), true);

        assertThat(stream.writtenNow).isEmpty();
        assertThat(subscriber.queued()).isEqualTo(2);
        writers.remove(0).run();
        assertThat(stream.frames).containsExactly("e1", "e2");
    }

    @Test
    void theFirstFramesGoThroughTheWriterAndNothingIsWrittenAtOnceBeforeThem() {
        RecordingStream stream = socketTaking(EventStream.Sent.WHOLE);
        List<Runnable> writers = new ArrayList<>();
        Subscriber subscriber = subscriber(stream, writers::add);
        subscriber.prime(List.of(frame("connected")));
        subscriber.offer(frame("before start"), true);
        subscriber.start();
        subscriber.offer(frame("while the writer has the first frames"), true);

        assertThat(stream.writtenNow).isEmpty();
        assertThat(writers).hasSize(1);
        writers.remove(0).run();
        subscriber.offer(frame("after"), true);

        assertThat(stream.frames).containsExactly("connected", "before start", "while the writer has the first frames", "after");
        assertThat(stream.writtenNow).containsExactly("after");
    }

    @Test
    void theRestOfAFrameTheSocketTookPartlyGoesBeforeEverythingOfferedAfterIt() {
        RecordingStream stream = socketTaking(EventStream.Sent.PARTLY);
        List<Runnable> writers = new ArrayList<>();
        Subscriber subscriber = subscriber(stream, writers::add);
        subscriber.start();

        subscriber.offer(frame("e1"), true);
        subscriber.offer(frame("e2"), true);
        subscriber.offer(frame("e3"), true);

        assertThat(stream.writtenNow).containsExactly("e1");
        assertThat(subscriber.queued()).isEqualTo(2);
        assertThat(writers).hasSize(1);
        writers.remove(0).run();
        assertThat(stream.frames).containsExactly("e1", "e2", "e3");
        assertThat(writers).isEmpty();
    }

    @Test
    void anEventThatFindsTheQueueFullEndsTheStreamAfterWhatIsQueuedAndASpreadReconnectDelay() {
        RecordingStream stream = new RecordingStream();
        List<Runnable> notRun = new ArrayList<>();
        Subscriber subscriber = new Subscriber("u", Topics.NONE, 1, stream, 2, notRun::add, (s, reason) -> { },
                () -> SseFrames.retry(4321), HubMetrics.NONE, 0);
        subscriber.start();
        assertThat(subscriber.offer(frame("e1"), false)).isTrue();
        assertThat(subscriber.offer(frame("e2"), false)).isTrue();

        assertThat(subscriber.offer(frame("e3"), false)).as("taken").isFalse();
        assertThat(subscriber.isClosed()).isTrue();
        assertThat(subscriber.offer(frame("e4"), false)).isFalse();
        // A goodbye after the overflow (the user connected elsewhere) still reaches the client, last.
        subscriber.closeAfter(frame("replaced"), CloseReason.REPLACED);
        notRun.forEach(Runnable::run);

        assertThat(stream.frames).containsExactly("e1", "e2", "retry: 4321\n\n", "replaced");
        assertThat(stream.closed).isTrue();
        assertThat(subscriber.dropped()).isEqualTo(1);
    }

    @Test
    void aCloseAfterAnOverflowKeepsWhatIsQueued() {
        RecordingStream stream = new RecordingStream();
        List<Runnable> notRun = new ArrayList<>();
        Subscriber subscriber = new Subscriber("u", Topics.NONE, 1, stream, 1, notRun::add, (s, reason) -> { },
                () -> SseFrames.retry(4321), HubMetrics.NONE, 0);
        subscriber.start();
        subscriber.offer(frame("e1"), false);
        subscriber.offer(frame("e2"), false);
        subscriber.close(CloseReason.CLIENT_GONE);
        notRun.forEach(Runnable::run);

        assertThat(stream.frames).containsExactly("e1", "retry: 4321\n\n");
    }

    @Test
    void aSocketThatFailsAWriteEndsTheStreamAsClientGone() {
        RecordingStream stream = socketTaking(EventStream.Sent.WHOLE);
        List<CloseReason> reasons = new ArrayList<>();
        Subscriber subscriber = new Subscriber("u", Topics.NONE, 1, stream, 10, Runnable::run,
                (s, reason) -> reasons.add(reason), () -> SseFrames.retry(3000), HubMetrics.NONE, 0);
        subscriber.start();
        stream.failing = true;

        assertThat(subscriber.offer(EVENT, true)).as("taken").isFalse();

        assertThat(reasons).containsExactly(CloseReason.CLIENT_GONE);
        assertThat(stream.closed).isTrue();
        assertThat(subscriber.offer(EVENT, true)).isFalse();
    }

    /** A stream that can write without blocking and answers every such write with {@code sent}. */
    private static RecordingStream socketTaking(EventStream.Sent sent) {
        RecordingStream stream = new RecordingStream();
        stream.now = sent;
        return stream;
    }

    private static byte[] frame(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
