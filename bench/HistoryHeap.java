import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import io.massivesse.event.EventIds;
import io.massivesse.event.SseFrames;
import io.massivesse.event.Topics;
import io.massivesse.event.Update;
import io.massivesse.hub.CloseReason;
import io.massivesse.hub.DuplicatePolicy;
import io.massivesse.hub.EventStream;
import io.massivesse.hub.HistoryFigures;
import io.massivesse.hub.HistorySettings;
import io.massivesse.hub.Hub;
import io.massivesse.hub.HubMetrics;
import io.massivesse.hub.HubSettings;
import io.massivesse.hub.KeptEvent;
import io.massivesse.hub.Subscriber;

/**
 * The heap a node's history holds under a given load, and the longest absence a user resumes from without a reset
 * (docs/BENCHMARKS.md, "History by stream"). Builds the load's minutes of events in publish order, with the times
 * they would have arrived at, and hands them to the hub's history as a starting node's fill does: each event is aged
 * on arrival, so the history ends as it would after running that long (time to live, sizes and byte bound applied
 * in the same order). Heap is measured after full collections, before and after; then real subscribers resume
 * with Last-Event-ID from ids of several ages and report whether they got every event they missed.
 *   java -Xmx6g -cp target/classes bench/HistoryHeap.java [--users 100000] [--topics 1000] [--topic-rate 1000]
 *        [--minutes 10] [--payload-bytes 200] [--broadcast-seconds 10] [--size N] [--user-size N] [--ttl S]
 *        [--max-bytes N] [--stream-bytes 200]   (history settings default to this build's)
 */
public class HistoryHeap {

    public static void main(String[] args) throws Exception {
        int users = 100_000, topics = 1000, topicRate = 1000, minutes = 10, payloadBytes = 200, broadcastSeconds = 10;
        // The shipped defaults, from this build's configuration.
        Properties shipped = new Properties();
        try (InputStream in = HistoryHeap.class.getClassLoader().getResourceAsStream("META-INF/microprofile-config.properties")) {
            shipped.load(in);
        }
        int size = Integer.parseInt(shipped.getProperty("sse.history.size"));
        int userSize = Integer.parseInt(shipped.getProperty("sse.history.user.size"));
        int ttl = Integer.parseInt(shipped.getProperty("sse.history.ttl.seconds"));
        long maxBytes = Long.parseLong(shipped.getProperty("sse.history.max.bytes"));
        long streamBytes = 200;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--users" -> users = Integer.parseInt(args[++i]);
                case "--topics" -> topics = Integer.parseInt(args[++i]);
                case "--topic-rate" -> topicRate = Integer.parseInt(args[++i]);
                case "--minutes" -> minutes = Integer.parseInt(args[++i]);
                case "--payload-bytes" -> payloadBytes = Integer.parseInt(args[++i]);
                case "--broadcast-seconds" -> broadcastSeconds = Integer.parseInt(args[++i]);
                case "--size" -> size = Integer.parseInt(args[++i]);
                case "--user-size" -> userSize = Integer.parseInt(args[++i]);
                case "--ttl" -> ttl = Integer.parseInt(args[++i]);
                case "--max-bytes" -> maxBytes = Long.parseLong(args[++i]);
                case "--stream-bytes" -> streamBytes = Long.parseLong(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        HistorySettings history = new HistorySettings(size, userSize, ttl, maxBytes);
        Hub hub = new Hub(new HubSettings("node1", 1000, 30, 30, 3000, 18000, 5, DuplicatePolicy.REPLACE, history, 64, 0),
                HubMetrics.NONE);
        System.out.printf("load: %,d users one event a minute each, %,d topics %,d events/s in all, a broadcast every %d s,"
                        + " %d minutes, payload %d bytes%nhistory: size %d, user size %d, ttl %d s, max bytes %,d%n",
                users, topics, topicRate, broadcastSeconds, minutes, payloadBytes, size, userSize, ttl, maxBytes);
        long before = usedHeap();

        // The last event arrives a minute from now, so the final sweep (at the real clock) ages nothing further.
        long end = System.currentTimeMillis() + 60_000;
        long start = end - minutes * 60_000L;
        String padding = "p".repeat(Math.max(0, payloadBytes - 40));
        EventIds ids = new EventIds("node1");
        List<KeptEvent> load = new ArrayList<>();
        int perSecondUsers = Math.max(1, users / 60);
        int userCursor = 0, topicCursor = 0;
        for (int second = 0; second < minutes * 60; second++) {
            int events = perSecondUsers + topicRate + (second % broadcastSeconds == 0 ? 1 : 0);
            for (int n = 0; n < events; n++) {
                long at = start + second * 1000L + n * 1000L / events;
                String userId = null, topic = null;
                if (n < perSecondUsers) {
                    userId = "user" + (userCursor++ % users);
                } else if (n < perSecondUsers + topicRate) {
                    topic = "prices/" + (topicCursor++ % topics);
                }
                String data = "{\"n\":" + n + ",\"at\":" + at + ",\"pad\":\"" + padding + "\"}";
                Update update = new Update(ids.next(), "message", data, userId, topic, at);
                load.add(new KeptEvent(update.id(), userId, topic, at, SseFrames.event(update)));
            }
        }
        long last = load.get(load.size() - 1).at();
        String[] probes = probes(load, last, users);
        long loaded = System.nanoTime();
        hub.history().fill(load);
        System.out.printf("events offered: %,d (filled in %.1f s)%n", load.size(), (System.nanoTime() - loaded) / 1e9);
        load = null;
        Thread.sleep(1500); // the hub's clock takes the history's figures once a second
        long after = usedHeap();
        HistoryFigures figures = hub.history().figures();
        List<KeptEvent> kept = hub.history().keptEvents();
        long oldest = kept.isEmpty() ? last : kept.get(0).at();
        long frameBytes = kept.stream().filter(event -> event.frame() != null).mapToLong(event -> event.frame().length).sum();
        kept = null;
        long measured = after - before;
        System.out.printf("kept: %,d events, %,d ids, %,d streams; estimated %,d bytes (sse_history_bytes), measured heap %,d bytes"
                        + " (estimate/measured %.2f)%n",
                figures.events(), figures.ids(), figures.streams(), figures.bytes(), measured, (double) figures.bytes() / measured);
        System.out.printf("of which frames %,d bytes; heap beyond the frames: %.0f bytes an id (streams counted at %d bytes)%n",
                frameBytes, (double) (measured - frameBytes - (long) figures.streams() * streamBytes) / figures.ids(), streamBytes);
        System.out.printf("oldest id known: %.0f s before the last event%n", (last - oldest) / 1000.0);
        for (String probe : probes) {
            System.out.println(resume(hub, probe));
        }
        hub.shutdown();
    }

    /** For each age (seconds before the last event), the newest user event at least that old: its age, user and id. */
    private static String[] probes(List<KeptEvent> load, long last, int users) {
        List<String> probes = new ArrayList<>();
        for (int ageSeconds : new int[] {60, 120, 240, 290, 310, 480}) {
            for (int i = load.size() - 1; i >= 0; i--) {
                KeptEvent event = load.get(i);
                if (event.userId() != null && last - event.at() >= ageSeconds * 1000L) {
                    probes.add(ageSeconds + " " + event.userId() + " " + event.id());
                    break;
                }
            }
        }
        return probes.toArray(String[]::new);
    }

    /** Resumes as the probe's user from its id and tells what the first frames said. */
    private static String resume(Hub hub, String probe) throws InterruptedException {
        String[] parts = probe.split(" ");
        Frames frames = new Frames();
        Subscriber subscriber = hub.subscribe(parts[1], frames, parts[2], Topics.NONE);
        Thread.sleep(500);
        subscriber.close(CloseReason.CLIENT_GONE);
        List<String> got;
        synchronized (frames) {
            got = List.copyOf(frames.frames);
        }
        boolean reset = got.size() > 1 && got.get(1).contains("event: reset");
        int events = (int) got.stream().filter(frame -> frame.startsWith("id: ")).count();
        return String.format("resume from an event %s s old (%s): %s, %d events replayed", parts[0], parts[1],
                reset ? "reset " + got.get(1).lines().filter(line -> line.startsWith("data:")).findFirst().orElse("") : "complete",
                events);
    }

    private static final class Frames implements EventStream {
        final List<String> frames = new ArrayList<>();

        @Override
        public void open() {
        }

        @Override
        public synchronized void write(List<byte[]> written) throws IOException {
            written.forEach(frame -> frames.add(new String(frame, StandardCharsets.UTF_8)));
        }

        @Override
        public void close() {
        }
    }

    private static long usedHeap() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
