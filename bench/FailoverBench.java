import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The failover benchmark client (docs/BENCHMARKS.md "Broker failover"), against a cluster whose broker is
 * an HA pair (SSE_BROKER_HA=true). A publisher sends --rate events/s with explicit ids and retries each on
 * a 503 or a timeout until it is accepted; --readers SSE clients spread over the nodes record when each
 * event arrives. --kills times: the live broker is killed (scripts/broker.sh kill-live: the primary, then
 * the former backup, and so on), the run goes on for --after seconds, the dead broker is started again as
 * the backup, and the next kill waits --between seconds. Per kill: the publish unavailability window (first
 * refused attempt to the next accepted one) and the longest gap between two events any reader saw in the
 * takeover and after the dead broker's return. At the end every reader must hold every
 * accepted event exactly once, in order.
 *
 *   java bench/FailoverBench.java --nodes http://127.0.0.1:9380,... [--readers 30] [--rate 50] [--kills 5]
 *
 * Every loop is bounded: the publisher gives up an event after 60 s, the run after the kills.
 */
public final class FailoverBench {

    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    /** One SSE client: the ids it received, with their arrival times. */
    static final class Reader {
        final List<String> ids = new CopyOnWriteArrayList<>();
        final List<Long> arrivals = new CopyOnWriteArrayList<>();
        volatile boolean ended;

        void start(URI uri) {
            Thread thread = new Thread(() -> {
                try {
                    HttpResponse<java.io.InputStream> response = HTTP.send(HttpRequest.newBuilder(uri)
                            .header("Accept", "text/event-stream").GET().build(), HttpResponse.BodyHandlers.ofInputStream());
                    try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                        String line;
                        while ((line = lines.readLine()) != null) {
                            if (line.startsWith("id: ")) {
                                ids.add(line.substring(4));
                                arrivals.add(System.nanoTime());
                            }
                        }
                    }
                } catch (IOException | InterruptedException e) {
                    // the stream ended
                }
                ended = true;
            }, "reader");
            thread.setDaemon(true);
            thread.start();
        }
    }

    /** When the live broker was killed, and when the dead one was started again (as the backup). */
    record Kill(long killedAt, long restartedAt) {
    }

    public static void main(String[] args) throws Exception {
        List<String> nodes = new ArrayList<>();
        int readers = 30;
        int rate = 50;
        int kills = 5;
        int after = 15;
        int between = 20;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--nodes" -> nodes.addAll(Arrays.asList(args[++i].split(",")));
                case "--readers" -> readers = Integer.parseInt(args[++i]);
                case "--rate" -> rate = Integer.parseInt(args[++i]);
                case "--kills" -> kills = Integer.parseInt(args[++i]);
                case "--after" -> after = Integer.parseInt(args[++i]);
                case "--between" -> between = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        String run = UUID.randomUUID().toString().substring(0, 8);
        List<Reader> clients = new ArrayList<>();
        for (int i = 0; i < readers; i++) {
            Reader reader = new Reader();
            reader.start(URI.create(nodes.get(i % nodes.size()) + "/sse/connect/fb-" + run + "-" + i));
            clients.add(reader);
        }
        Thread.sleep(3_000);

        List<String> accepted = new ArrayList<>();
        List<Long> refusedAt = new ArrayList<>();
        List<Long> acceptedAt = new ArrayList<>();
        List<Kill> killTimes = new ArrayList<>();
        long periodNanos = 1_000_000_000L / rate;
        long next = System.nanoTime();
        int seq = 0;
        for (int k = 0; k <= kills; k++) {
            long phaseEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(k == 0 ? 5 : between);
            if (k > 0) {
                shell("scripts/broker.sh kill-live");
                long killedAt = System.nanoTime();
                long until = killedAt + TimeUnit.SECONDS.toNanos(after);
                while (System.nanoTime() < until) {
                    seq = publish(nodes, run, seq, accepted, refusedAt, acceptedAt);
                    next = pace(next, periodNanos);
                }
                killTimes.add(new Kill(killedAt, System.nanoTime()));
                // The dead broker returns as the backup in the background while publishing goes on.
                Thread back = new Thread(() -> shell("scripts/broker.sh start-stopped"));
                back.start();
                while (back.isAlive() || System.nanoTime() < phaseEnd) {
                    seq = publish(nodes, run, seq, accepted, refusedAt, acceptedAt);
                    next = pace(next, periodNanos);
                }
            } else {
                while (System.nanoTime() < phaseEnd) {
                    seq = publish(nodes, run, seq, accepted, refusedAt, acceptedAt);
                    next = pace(next, periodNanos);
                }
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline && clients.stream().anyMatch(c -> c.ids.size() < accepted.size())) {
            Thread.sleep(200);
        }
        Thread.sleep(2_000);

        System.out.printf("published %d events (%d refused attempts), %d readers%n", accepted.size(), refusedAt.size(), readers);
        List<Long> windows = new ArrayList<>();
        List<Long> gaps = new ArrayList<>();
        List<Long> failbackGaps = new ArrayList<>();
        for (int k = 0; k < killTimes.size(); k++) {
            long killedAt = killTimes.get(k).killedAt();
            long windowEnd = k + 1 < killTimes.size() ? killTimes.get(k + 1).killedAt() : Long.MAX_VALUE;
            long firstRefusal = refusedAt.stream().filter(t -> t >= killedAt && t < windowEnd).findFirst().orElse(0L);
            long back = firstRefusal == 0 ? 0 : acceptedAt.stream().filter(t -> t > firstRefusal).findFirst().orElse(0L);
            long window = firstRefusal == 0 ? 0 : (back - firstRefusal) / 1_000_000;
            // The longest silence any reader had that began in the takeover (kill .. restart) or in the
            // return of the dead broker (restart .. next kill).
            long gap = longestGap(clients, killedAt, killTimes.get(k).restartedAt());
            long failbackGap = longestGap(clients, killTimes.get(k).restartedAt(), windowEnd);
            failbackGaps.add(failbackGap);
            windows.add(window);
            gaps.add(gap);
            System.out.printf("kill %d: publishing refused for %d ms (first refusal %d ms after the kill);"
                            + " longest reader gap %d ms in the takeover, %d ms after the broker's return%n",
                    k + 1, window, firstRefusal == 0 ? -1 : (firstRefusal - killedAt) / 1_000_000, gap, failbackGap);
        }
        int exact = 0;
        for (Reader reader : clients) {
            if (reader.ids.equals(accepted)) {
                exact++;
            }
        }
        System.out.printf("RESULT kills=%d window p50=%d ms max=%d ms | reader gap in the takeover p50=%d ms max=%d ms,"
                        + " after the return p50=%d ms max=%d ms | readers with every event once in order: %d/%d%n",
                killTimes.size(), median(windows), windows.stream().mapToLong(Long::longValue).max().orElse(0),
                median(gaps), gaps.stream().mapToLong(Long::longValue).max().orElse(0),
                median(failbackGaps), failbackGaps.stream().mapToLong(Long::longValue).max().orElse(0), exact, readers);
    }

    /** The longest time between two events at any reader, for silences that began in [from, to). */
    private static long longestGap(List<Reader> clients, long from, long to) {
        long gap = 0;
        for (Reader reader : clients) {
            List<Long> times = reader.arrivals;
            for (int i = 1; i < times.size(); i++) {
                if (times.get(i - 1) >= from - 1_000_000_000L && times.get(i - 1) < to) {
                    gap = Math.max(gap, (times.get(i) - times.get(i - 1)) / 1_000_000);
                }
            }
        }
        return gap;
    }

    private static long median(List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        return sorted.isEmpty() ? 0 : sorted.get(sorted.size() / 2);
    }

    private static long pace(long next, long period) throws InterruptedException {
        next += period;
        long wait = next - System.nanoTime();
        if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
        }
        return next;
    }

    /** Publishes event {@code seq}, retrying with its id until it is accepted; returns the next sequence number. */
    private static int publish(List<String> nodes, String run, int seq, List<String> accepted, List<Long> refusedAt,
                               List<Long> acceptedAt) throws InterruptedException {
        String id = run + "-" + seq;
        long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        for (int attempt = 0; System.nanoTime() < giveUp; attempt++) {
            URI target = URI.create(nodes.get((seq + attempt) % nodes.size()) + "/sse/broadcast");
            int status;
            try {
                status = HTTP.send(HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(5))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"data\":\"e" + seq + "\",\"id\":\"" + id + "\"}")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode();
            } catch (IOException e) {
                status = -1;
            }
            if (status == 202) {
                accepted.add(id);
                acceptedAt.add(System.nanoTime());
                return seq + 1;
            }
            refusedAt.add(System.nanoTime());
            Thread.sleep(100);
        }
        throw new IllegalStateException("event " + id + " not accepted within 60 s");
    }

    private static void shell(String command) {
        try {
            Process process = new ProcessBuilder("bash", "-c", command).inheritIO().start();
            if (!process.waitFor(180, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
