package io.massivesse.hub;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.massivesse.event.Topics;

import static org.assertj.core.api.Assertions.assertThat;

class SubscriberTest {

    private static final long QUIET = TimeUnit.MILLISECONDS.toNanos(500);
    private static final byte[] EVENT = "data: e1\n\n".getBytes(StandardCharsets.UTF_8);

    private static Subscriber subscriber(RecordingStream stream, Executor writers) {
        return new Subscriber("u", Topics.NONE, 1, stream, 10, writers, (s, reason) -> { }, HubMetrics.NONE, 0);
    }

    @Test
    void aHeartbeatIsLeftOutRightAfterAnEventAndSentOnceTheStreamWasQuiet() {
        RecordingStream stream = new RecordingStream();
        // Writes on the calling thread: what the writer took is written when offer returns.
        Subscriber subscriber = subscriber(stream, Runnable::run);
        subscriber.start();
        subscriber.offer(EVENT);

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
        subscriber.offer(EVENT);

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
}
