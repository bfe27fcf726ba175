package io.massivesse.hub;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.massivesse.event.Topics;
import io.massivesse.event.Update;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * The hub at production size: more users than the parallel fan-out's threshold, a share of whose streams start
 * failing (checked and unchecked exceptions, on the direct and the queued write) while broadcasts, topic publishes,
 * topic changes, replaces and token expiries run beside them from several threads, then a drain. Every step has a
 * deadline, so a hub that deadlocks fails here instead of freezing a node (a failed direct write used to close its
 * connection inside the parallel fan-out, and the close waited for the lock the fan-out held).
 */
class HubUnderChurnTest {

    /** Above the hub's parallel threshold (2,048 users), so fan-outs and heartbeat walks run on the pool. */
    private static final int USERS = 6_000;
    private static final int BROADCASTS = 40;
    private static final int TOPIC_EVENTS = 40;
    private static final int TOPICS = 7;
    private static final Duration STEP = Duration.ofSeconds(10);

    /** What a connection does in this test, by user number. */
    private enum Kind {
        FAILS_CHECKED, FAILS_UNCHECKED, QUEUED, EXPIRES, REPLACED, STEADY;

        static Kind of(int user) {
            return switch (user % 10) {
                case 0 -> FAILS_CHECKED;
                case 1 -> FAILS_UNCHECKED;
                case 2 -> QUEUED;
                case 3 -> EXPIRES;
                case 4 -> REPLACED;
                default -> STEADY;
            };
        }
    }

    private record Connection(int user, Kind kind, RecordingStream stream, Subscriber subscriber) {
    }

    private final ExecutorService writers = Executors.newCachedThreadPool();
    private final ExecutorService steps = Executors.newFixedThreadPool(6);
    private final HubTest.CountingMetrics metrics = new HubTest.CountingMetrics();
    private Hub hub;

    @AfterEach
    void stop() throws InterruptedException {
        steps.shutdownNow();
        if (hub != null) {
            // Bounded: a hub that deadlocked must not hang the run as well.
            Thread shutdown = new Thread(hub::shutdown, "hub-shutdown");
            shutdown.setDaemon(true);
            shutdown.start();
            shutdown.join(10_000);
        }
        writers.shutdownNow();
    }

    @Test
    void failingStreamsAmongThousandsNeverFreezeTheHubAndEveryOtherStreamGetsEveryEvent() throws Exception {
        hub = new Hub(new HubSettings("node-t", 1_000, 30, 1, 2000, 100_000, 3, DuplicatePolicy.REPLACE,
                new HistorySettings(50, 50, 300, 1 << 20), 4, 0), writers, metrics);
        List<Connection> first = new ArrayList<>();
        for (int user = 0; user < USERS; user++) {
            Kind kind = Kind.of(user);
            RecordingStream stream = new RecordingStream();
            if (kind != Kind.QUEUED) {
                stream.writingAtOnce();
            }
            first.add(new Connection(user, kind, stream, hub.subscribe("u" + user, stream, null, false,
                    topicsOf(user), kind == Kind.EXPIRES ? System.currentTimeMillis() + 4_000 : 0)));
        }

        List<Connection> replacements = new ArrayList<>();
        List<Future<?>> running = new ArrayList<>();
        running.add(steps.submit(() -> {
            for (int b = 0; b < BROADCASTS; b++) {
                Update update = new Update("b-" + b, null, "b" + b, null, null, System.currentTimeMillis());
                assertTimeoutPreemptively(STEP, () -> hub.deliver(update), "broadcast " + b);
                pause(25);
            }
        }));
        running.add(steps.submit(() -> {
            for (int t = 0; t < TOPIC_EVENTS; t++) {
                Update update = new Update("t-" + t, null, "t" + t, null, "t/" + (t % TOPICS), System.currentTimeMillis());
                assertTimeoutPreemptively(STEP, () -> hub.deliver(update), "topic event " + t);
                pause(25);
            }
        }));
        running.add(steps.submit(() -> {
            // Server-side subscription changes for users whose streams may be failing or closing meanwhile.
            ThreadLocalRandom random = ThreadLocalRandom.current();
            for (int i = 0; i < 300; i++) {
                String user = "u" + random.nextInt(USERS);
                List<String> added = List.of("c/" + random.nextInt(5));
                List<String> removed = List.of("c/" + random.nextInt(5));
                assertTimeoutPreemptively(STEP, () -> hub.changeTopics(user, added, removed), "topic change for " + user);
            }
        }));
        running.add(steps.submit(() -> {
            // The failing share breaks while events flow: the next write to each fails.
            pause(100);
            for (Connection connection : first) {
                if (connection.kind == Kind.FAILS_CHECKED) {
                    connection.stream.failing = true;
                } else if (connection.kind == Kind.FAILS_UNCHECKED) {
                    connection.stream.failingUnchecked = true;
                }
            }
        }));
        running.add(steps.submit(() -> {
            pause(150);
            for (Connection connection : first) {
                if (connection.kind == Kind.REPLACED) {
                    RecordingStream stream = new RecordingStream().writingAtOnce();
                    Subscriber newer = assertTimeoutPreemptively(STEP, () -> hub.subscribe("u" + connection.user, stream,
                            null, topicsOf(connection.user)), "replacing u" + connection.user);
                    synchronized (replacements) {
                        replacements.add(new Connection(connection.user, Kind.STEADY, stream, newer));
                    }
                }
            }
        }));
        for (Future<?> step : running) {
            step.get(120, TimeUnit.SECONDS);
        }
        // One more after everything, so that every stream open now, replacements included, has a broadcast to get.
        Update last = new Update("b-" + BROADCASTS, null, "b" + BROADCASTS, null, null, System.currentTimeMillis());
        assertTimeoutPreemptively(STEP, () -> hub.deliver(last), "the last broadcast");

        // Each way out happened, and nothing was left holding a closed connection.
        await().atMost(30, TimeUnit.SECONDS).untilAsserted(() -> {
            assertThat(first).filteredOn(c -> c.kind == Kind.FAILS_CHECKED || c.kind == Kind.FAILS_UNCHECKED
                    || c.kind == Kind.EXPIRES || c.kind == Kind.REPLACED).allMatch(c -> c.subscriber.isClosed() && c.stream.closed);
            assertThat(hub.activeConnections())
                    .isEqualTo(USERS - first.stream().filter(c -> c.subscriber.isClosed()).count() + replacements.size());
        });
        assertThat(first).filteredOn(c -> c.kind == Kind.EXPIRES)
                .allMatch(c -> c.stream.events().get(c.stream.events().size() - 1).startsWith("event: token-expired\n"));
        assertThat(first).filteredOn(c -> c.kind == Kind.REPLACED)
                .allMatch(c -> c.stream.events().get(c.stream.events().size() - 1).startsWith("event: replaced\n"));
        assertThat(hub.streamsWithDeadline()).isZero();
        List<Connection> open = new ArrayList<>(first.stream().filter(c -> !c.subscriber.isClosed()).toList());
        open.addAll(replacements);
        assertThat(open).hasSize(USERS / 10 * 7).allMatch(c -> !c.subscriber.isClosed());
        Set<String> selectors = new HashSet<>();
        open.forEach(c -> selectors.addAll(c.subscriber.topics().selectors()));
        assertThat(hub.activeTopics()).isEqualTo(selectors.size());

        // Every stream that stayed got every broadcast once, in order; a replacement, every one from when it came.
        await().atMost(30, TimeUnit.SECONDS).untilAsserted(() -> assertThat(open)
                .allSatisfy(c -> assertThat(numbers(c.stream, "b")).endsWith(BROADCASTS)));
        for (Connection connection : open) {
            List<Integer> broadcasts = numbers(connection.stream, "b");
            if (first.contains(connection)) {
                assertThat(broadcasts).as("u%d's broadcasts", connection.user).containsExactlyElementsOf(range(0, BROADCASTS + 1));
            } else {
                assertThat(broadcasts).as("replacement u%d's broadcasts", connection.user)
                        .containsExactlyElementsOf(range(broadcasts.get(0), BROADCASTS + 1));
            }
            List<Integer> topicEvents = numbers(connection.stream, "t");
            assertThat(topicEvents).as("u%d's topic events", connection.user).isSorted().doesNotHaveDuplicates()
                    .allMatch(t -> connection.subscriber.topics().selectors().contains("t/" + (t % TOPICS))
                            || connection.subscriber.topics().selectors().contains("t/*"));
        }

        assertTimeoutPreemptively(STEP, () -> hub.drain(0), "drain");
        await().atMost(30, TimeUnit.SECONDS).untilAsserted(() -> {
            assertThat(hub.activeConnections()).isZero();
            assertThat(hub.activeTopics()).isZero();
            assertThat(open).allMatch(c -> c.stream.closed);
        });
        assertThat(metrics.closed.get(CloseReason.SHUTDOWN)).isEqualTo(open.size());
        assertThat(metrics.closed.get(CloseReason.CLIENT_GONE)).isEqualTo(USERS / 10 * 2);
        assertThat(metrics.closed.get(CloseReason.TOKEN_EXPIRED)).isEqualTo(USERS / 10);
        assertThat(metrics.closed.get(CloseReason.REPLACED)).isEqualTo(USERS / 10);
    }

    /** A third of the users on one of the topics by name, every fifth on all of them by prefix. */
    private static Topics topicsOf(int user) {
        List<String> selectors = new ArrayList<>();
        if (user % 3 == 0) {
            selectors.add("t/" + (user % TOPICS));
        }
        if (user % 5 == 0) {
            selectors.add("t/*");
        }
        return Topics.of(selectors);
    }

    /** The numbers of the events with data {@code <prefix><n>} this stream got, in the order it got them. */
    private static List<Integer> numbers(RecordingStream stream, String prefix) {
        Predicate<String> ours = frame -> frame.contains("\ndata: " + prefix);
        return stream.events().stream().filter(ours)
                .map(frame -> Integer.parseInt(frame.substring(frame.indexOf("\ndata: " + prefix) + 7 + prefix.length()).trim()))
                .toList();
    }

    private static List<Integer> range(int from, int to) {
        List<Integer> numbers = new ArrayList<>();
        for (int i = from; i < to; i++) {
            numbers.add(i);
        }
        return numbers;
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
