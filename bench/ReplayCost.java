import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import io.massivesse.event.Topics;
import io.massivesse.event.Update;
import io.massivesse.hub.DuplicatePolicy;
import io.massivesse.hub.EventStream;
import io.massivesse.hub.HistorySettings;
import io.massivesse.hub.Hub;
import io.massivesse.hub.HubMetrics;
import io.massivesse.hub.HubSettings;

/**
 * What one resume costs the other streams of a node (docs/BENCHMARKS.md, "The replay bound"): a hub of this build
 * in one JVM, no server, whose history holds TOPICS topics of EVENTS events each; 20 clients resume one after
 * another from the oldest id with a prefix selector over all of them, while broadcasts go to 1,000 live streams
 * every 5 ms. For each replay bound it prints how long a resume held the hub and how long a broadcast waited for it.
 *   java -cp target/classes bench/ReplayCost.java [--topics 2000] [--events 100] [--payload-bytes 200]
 *        [--bounds 2147483647,50000,10000,2000] [--resumes 20]
 */
public class ReplayCost {

    /** A client that takes every frame at once and keeps nothing. */
    static final class Discard implements EventStream {
        @Override
        public void open() {
        }

        @Override
        public Sent writeNow(byte[] frame) {
            return Sent.WHOLE;
        }

        @Override
        public void write(List<byte[]> frames) {
        }

        @Override
        public void close() {
        }
    }

    public static void main(String[] args) throws Exception {
        int topics = 2000, events = 100, payloadBytes = 200, resumes = 20;
        int[] bounds = {Integer.MAX_VALUE, 50_000, 10_000, 2_000};
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--topics" -> topics = Integer.parseInt(args[i + 1]);
                case "--events" -> events = Integer.parseInt(args[i + 1]);
                case "--payload-bytes" -> payloadBytes = Integer.parseInt(args[i + 1]);
                case "--resumes" -> resumes = Integer.parseInt(args[i + 1]);
                case "--bounds" -> bounds = Arrays.stream(args[i + 1].split(",")).mapToInt(Integer::parseInt).toArray();
                default -> throw new IllegalArgumentException(args[i]);
            }
        }
        String payload = "x".repeat(payloadBytes);
        System.out.printf("%d topics x %d events of %d bytes; %d resumes from the oldest id over r/*; broadcasts every 5 ms "
                + "to 1,000 streams%n", topics, events, payloadBytes, resumes);
        System.out.println("bound, replayed per resume, resume held the hub ms (median / max), broadcast fan-out ms during "
                + "the resumes (median / p99 / max), broadcast fan-out ms without resumes (median / max)");
        for (int round = 0; round < 2; round++) {
            for (int bound : bounds) {
                measure(bound, topics, events, payload, resumes, round == 1);
            }
        }
    }

    static void measure(int bound, int topics, int events, String payload, int resumes, boolean print) throws Exception {
        HistorySettings history = new HistorySettings(events, 100, 3600, 1L << 34, bound, Long.MAX_VALUE);
        Hub hub = new Hub(new HubSettings("bench", 100_000, 30, 30, 3000, 100_000, 5, DuplicatePolicy.REPLACE, history, 64, 0),
                HubMetrics.NONE);
        long now = System.currentTimeMillis();
        String oldest = null;
        long seq = 0;
        for (int e = 0; e < events; e++) {
            for (int t = 0; t < topics; t++) {
                String id = String.format("%013d-%07d-bench", now, seq++);
                oldest = oldest == null ? id : oldest;
                hub.deliver(new Update(id, null, payload, null, "r/t" + t, now));
            }
        }
        for (int i = 0; i < 1000; i++) {
            hub.subscribe("live-" + i, new Discard(), null, Topics.NONE);
        }
        List<Double> quiet = broadcasts(hub, 200, new AtomicBoolean(false), "q");
        AtomicBoolean resuming = new AtomicBoolean(true);
        List<Double> held = new ArrayList<>();
        String from = oldest;
        Thread resumer = new Thread(() -> {
            for (int i = 0; i < resumes; i++) {
                long start = System.nanoTime();
                hub.subscribe("resumer-" + i, new Discard(), from, false, Topics.of(List.of("r/*")), 0);
                held.add((System.nanoTime() - start) / 1e6);
            }
            resuming.set(false);
        });
        resumer.start();
        List<Double> busy = broadcasts(hub, Integer.MAX_VALUE, resuming, "b");
        resumer.join();
        int replayed = Math.min(bound, topics * events);
        if (print) {
            System.out.printf("%s, %d, %.1f / %.1f, %.2f / %.2f / %.2f, %.2f / %.2f%n", bound == Integer.MAX_VALUE ? "none" : bound,
                    replayed, pct(held, 50), pct(held, 100), pct(busy, 50), pct(busy, 99), pct(busy, 100), pct(quiet, 50), pct(quiet, 100));
        }
        hub.shutdown();
    }

    /** Broadcasts every 5 ms while {@code going} (or {@code count} times), each fan-out's time in ms. */
    static List<Double> broadcasts(Hub hub, int count, AtomicBoolean going, String tag) throws InterruptedException {
        List<Double> times = new ArrayList<>();
        for (int i = 0; i < count && (count != Integer.MAX_VALUE || going.get()); i++) {
            long start = System.nanoTime();
            hub.deliver(new Update(tag + "-" + System.nanoTime(), null, "tick", null, null, System.currentTimeMillis()));
            times.add((System.nanoTime() - start) / 1e6);
            Thread.sleep(5);
        }
        return times;
    }

    static double pct(List<Double> values, int percentile) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        return sorted.get(Math.max(0, (int) Math.ceil(percentile / 100.0 * sorted.size()) - 1));
    }
}
