import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * The stall timeline of one bench/run-100k.sh run made with TIMELINE=1 (docs/BENCHMARKS.md): every measured
 * broadcast whose completion exceeds twice the median, when it was sent, each node's first and last delivery of
 * it, and what the latest node (and the machine) did while it waited: stopped at safepoints and collecting (its
 * unified GC/safepoint log), its CPU share and the machine's (JFR's CPU load), its most sampled methods, monitor
 * waits and pinned virtual threads (JFR), the broker's collections, and the CPU the load clients got (samples.csv).
 *
 *   java bench/StallTimeline.java target/bench/100k-node-TIME [FACTOR=2]   (writes timeline.md there and prints it)
 */
public final class StallTimeline {

    /** A time span on the wall clock, in µs since the epoch. */
    record Span(long from, long to) {
        long overlap(long a, long b) {
            return Math.max(0, Math.min(to, b) - Math.max(from, a));
        }
    }

    record Broadcast(int seq, long sentWall, long completion, long[] first, long[] last) {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        double factor = args.length > 1 ? Double.parseDouble(args[1]) : 2;
        List<String> out = new ArrayList<>();
        List<Path> clients;
        try (Stream<Path> files = Files.list(dir)) {
            clients = files.filter(p -> p.getFileName().toString().matches("client-\\d+\\.json")).sorted().toList();
        }
        List<String> nodes = null;
        long[] completion = null;
        long[] sent = null;
        long[][] first = null;
        long[][] last = null;
        int warmup = 0;
        long offset = 0;
        for (Path client : clients) {
            String json = Files.readString(client);
            List<String> names = strings(json, "nodes");
            long[] c = array(json, "completionMicros");
            long[] s = array(json, "sentMicros");
            long[][] f = matrix(json, "firstByNodeMicros");
            long[][] l = matrix(json, "lastByNodeMicros");
            if (nodes == null) {
                nodes = names;
                completion = new long[c.length];
                sent = new long[c.length];
                first = new long[names.size()][c.length];
                last = new long[names.size()][c.length];
                for (long[] row : first) {
                    Arrays.fill(row, -1);
                }
                warmup = (int) number(json, "warmupEvents");
                offset = (long) number(json, "wallMinusMonotonicMicros");
            }
            for (int e = 0; e < c.length; e++) {
                completion[e] = Math.max(completion[e], c[e]);
                sent[e] = Math.max(sent[e], s[e]);
                for (int n = 0; n < names.size(); n++) {
                    if (f[n][e] >= 0 && (first[n][e] < 0 || f[n][e] < first[n][e])) {
                        first[n][e] = f[n][e];
                    }
                    last[n][e] = Math.max(last[n][e], l[n][e]);
                }
            }
        }
        if (nodes == null) {
            throw new IllegalArgumentException("no client-N.json in " + dir);
        }
        List<Broadcast> measured = new ArrayList<>();
        for (int e = warmup; e < completion.length; e++) {
            long[] f = new long[nodes.size()];
            long[] l = new long[nodes.size()];
            for (int n = 0; n < nodes.size(); n++) {
                f[n] = first[n][e];
                l[n] = last[n][e];
            }
            measured.add(new Broadcast(e, sent[e] + offset, completion[e], f, l));
        }
        long[] sorted = measured.stream().mapToLong(Broadcast::completion).sorted().toArray();
        long median = sorted[sorted.length / 2];
        long threshold = (long) (factor * median);
        long start = measured.get(0).sentWall();

        Map<String, Integer> pidToNode = new HashMap<>();
        for (String line : Files.readAllLines(dir.resolve("node-pids.txt"))) {
            String[] parts = line.trim().split("\\s+");
            pidToNode.put(parts[1], Integer.parseInt(parts[0].substring(4)));
        }
        Map<Integer, List<Span>> safepoints = new HashMap<>();
        Map<Integer, List<Span>> pauses = new HashMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path log : files.filter(p -> p.getFileName().toString().matches("gc-\\d+\\.log")).toList()) {
                String pid = log.getFileName().toString().replaceAll("\\D", "");
                Integer node = pidToNode.get(pid);
                if (node != null) {
                    readGcLog(log, safepoints.computeIfAbsent(node, k -> new ArrayList<>()), pauses.computeIfAbsent(node, k -> new ArrayList<>()));
                }
            }
        }
        List<Span> brokerPauses = new ArrayList<>();
        if (Files.exists(dir.resolve("broker-gc.log"))) {
            readGcLog(dir.resolve("broker-gc.log"), new ArrayList<>(), brokerPauses);
        }
        Map<Integer, List<RecordedEvent>> jfr = new HashMap<>();
        for (int n = 1; n <= nodes.size(); n++) {
            Path file = dir.resolve("node" + n + ".jfr");
            if (Files.exists(file)) {
                List<RecordedEvent> kept = new ArrayList<>();
                for (RecordedEvent event : RecordingFile.readAllEvents(file)) {
                    String type = event.getEventType().getName();
                    if (type.equals("jdk.ExecutionSample") || type.equals("jdk.CPULoad") || type.equals("jdk.JavaMonitorEnter")
                            || type.equals("jdk.VirtualThreadPinned") || type.equals("jdk.VirtualThreadSubmitFailed")) {
                        kept.add(event);
                    }
                }
                jfr.put(n, kept);
            }
        }
        Map<String, long[][]> cpu = readSamples(dir.resolve("samples.csv"));

        out.add(String.format(Locale.ROOT, "%d measured broadcasts; completion median %.2f s, threshold (%s x median) %.2f s; "
                + "times are seconds from the first measured broadcast's send.", measured.size(), median / 1e6, factor, threshold / 1e6));
        out.add("");
        out.add("Every broadcast: sent at, completion, and each node's last delivery (s after the send):");
        out.add("");
        out.add("| # | sent at | completion | " + String.join(" | ", nodes.stream().map(StallTimeline::shortName).toList()) + " |");
        out.add("|---|---|---|" + "---|".repeat(nodes.size()));
        for (Broadcast b : measured) {
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "| %d%s | %.1f | %.2f |", b.seq(),
                    b.completion() > threshold ? " **slow**" : "", (b.sentWall() - start) / 1e6, b.completion() / 1e6));
            for (int n = 0; n < nodes.size(); n++) {
                row.append(String.format(Locale.ROOT, " %.2f |", b.last()[n] / 1e6));
            }
            out.add(row.toString());
        }
        out.add("");
        out.add("Each slow broadcast, its latest node, and what that node and the machine did from the send to its completion:");
        out.add("");
        out.add("| # | latest node: first / last delivery | stopped at safepoints (of which GC) | node CPU / machine CPU | "
                + "monitor waits, pinned | broker GC | clients' CPU | most sampled on the latest node |");
        out.add("|---|---|---|---|---|---|---|---|");
        for (Broadcast b : measured) {
            if (b.completion() <= threshold) {
                continue;
            }
            int late = 0;
            for (int n = 1; n < nodes.size(); n++) {
                if (b.last()[n] > b.last()[late]) {
                    late = n;
                }
            }
            int node = late + 1;
            long from = b.sentWall();
            long to = from + b.completion();
            long stopped = overlap(safepoints.getOrDefault(node, List.of()), from, to);
            long gc = overlap(pauses.getOrDefault(node, List.of()), from, to);
            long brokerGc = overlap(brokerPauses, from, to);
            List<RecordedEvent> events = jfr.getOrDefault(node, List.of());
            double jvm = 0;
            double machine = 0;
            int loads = 0;
            long monitors = 0;
            long monitorMicros = 0;
            long pinned = 0;
            Map<String, Integer> methods = new HashMap<>();
            for (RecordedEvent event : events) {
                long at = micros(event.getStartTime());
                long end = micros(event.getEndTime());
                if (end < from || at > to) {
                    continue;
                }
                switch (event.getEventType().getName()) {
                    case "jdk.CPULoad" -> {
                        jvm += event.getFloat("jvmUser") + event.getFloat("jvmSystem");
                        machine += event.getFloat("machineTotal");
                        loads++;
                    }
                    case "jdk.JavaMonitorEnter" -> {
                        monitors++;
                        monitorMicros += Math.max(0, end - at);
                    }
                    case "jdk.VirtualThreadPinned", "jdk.VirtualThreadSubmitFailed" -> pinned++;
                    default -> {
                        if (event.getStackTrace() != null && !event.getStackTrace().getFrames().isEmpty()) {
                            methods.merge(frame(event.getStackTrace().getFrames()), 1, Integer::sum);
                        }
                    }
                }
            }
            int samples = methods.values().stream().mapToInt(Integer::intValue).sum();
            String top = methods.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue(Comparator.reverseOrder()))
                    .limit(3).map(e -> String.format(Locale.ROOT, "%s %.0f%%", e.getKey(), 100.0 * e.getValue() / samples))
                    .collect(Collectors.joining("; "));
            out.add(String.format(Locale.ROOT, "| %d | %s: %.2f / %.2f s | %.0f ms (%.0f ms) | %s | %d (%.0f ms), %d | %.0f ms | %s | %s |",
                    b.seq(), shortName(nodes.get(late)), b.first()[late] / 1e6, b.last()[late] / 1e6, stopped / 1e3, gc / 1e3,
                    loads == 0 ? "no JFR" : String.format(Locale.ROOT, "%.0f%% / %.0f%% (2 cores = 100%%)", 100 * jvm / loads, 100 * machine / loads),
                    monitors, monitorMicros / 1e3, pinned, brokerGc / 1e3, clientsCpu(cpu, from, to), top.isEmpty() ? "no samples" : top));
        }
        Files.write(dir.resolve("timeline.md"), out);
        out.forEach(System.out::println);
    }

    private static String shortName(String node) {
        return node.replaceFirst("^https?://", "").replaceFirst("^127\\.0\\.0\\.1:", ":");
    }

    /** The innermost frame: the method a sample was in. */
    private static String frame(List<RecordedFrame> frames) {
        String type = frames.get(0).getMethod().getType().getName();
        return type.substring(type.lastIndexOf('.') + 1) + "." + frames.get(0).getMethod().getName();
    }

    private static long micros(Instant instant) {
        return instant.getEpochSecond() * 1_000_000 + instant.getNano() / 1000;
    }

    private static long overlap(List<Span> spans, long from, long to) {
        return spans.stream().mapToLong(s -> s.overlap(from, to)).sum();
    }

    private static final Pattern DECORATION = Pattern.compile("^\\[([^\\]]+)\\]");
    private static final Pattern SAFEPOINT_TOTAL = Pattern.compile("Safepoint \"[^\"]*\".*Total: (\\d+) ns");
    private static final Pattern PAUSE = Pattern.compile("GC\\(\\d+\\) Pause .* (\\d+\\.\\d+)ms$");
    private static final DateTimeFormatter LOG_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSZ");

    /**
     * Unified logging with the time decoration: each safepoint's and each pause's span (the line is written at its
     * end, so the span runs back from the line's time).
     */
    private static void readGcLog(Path log, List<Span> safepoints, List<Span> pauses) throws IOException {
        for (String line : Files.readAllLines(log)) {
            Matcher decoration = DECORATION.matcher(line);
            if (!decoration.find()) {
                continue;
            }
            long at;
            try {
                at = micros(OffsetDateTime.parse(decoration.group(1), LOG_TIME).toInstant());
            } catch (RuntimeException e) {
                continue;
            }
            Matcher safepoint = SAFEPOINT_TOTAL.matcher(line);
            if (safepoint.find()) {
                long length = Long.parseLong(safepoint.group(1)) / 1000;
                safepoints.add(new Span(at - length, at));
                continue;
            }
            Matcher pause = PAUSE.matcher(line);
            if (pause.find()) {
                long length = (long) (Double.parseDouble(pause.group(1)) * 1000);
                pauses.add(new Span(at - length, at));
            }
        }
    }

    /** samples.csv (time,process,rss_kb,cpu_ticks): per process, rows of [epoch second, ticks]. */
    private static Map<String, long[][]> readSamples(Path csv) throws IOException {
        Map<String, List<long[]>> rows = new LinkedHashMap<>();
        for (String line : Files.readAllLines(csv)) {
            String[] f = line.split(",");
            if (f.length < 4 || !f[0].matches("\\d+")) {
                continue;
            }
            rows.computeIfAbsent(f[1], k -> new ArrayList<>()).add(new long[] {Long.parseLong(f[0]), Long.parseLong(f[3])});
        }
        Map<String, long[][]> result = new LinkedHashMap<>();
        rows.forEach((k, v) -> result.put(k, v.toArray(new long[0][])));
        return result;
    }

    /** The load clients' CPU seconds over the whole seconds around the span, and what two cores could give. */
    private static String clientsCpu(Map<String, long[][]> cpu, long from, long to) {
        long a = from / 1_000_000;
        long b = (to + 999_999) / 1_000_000;
        long ticks = 0;
        for (Map.Entry<String, long[][]> process : cpu.entrySet()) {
            if (!process.getKey().startsWith("client-")) {
                continue;
            }
            long before = -1;
            long after = -1;
            for (long[] row : process.getValue()) {
                if (row[0] <= a) {
                    before = row[1];
                }
                if (row[0] >= b && after < 0) {
                    after = row[1];
                }
            }
            if (before >= 0 && after >= 0) {
                ticks += after - before;
            }
        }
        return String.format(Locale.ROOT, "%.1f s of %d s x 2", ticks / 100.0, b - a);
    }

    private static double number(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\":(-?[0-9.]+)").matcher(json);
        if (!m.find()) {
            throw new IllegalArgumentException("no " + name);
        }
        return Double.parseDouble(m.group(1));
    }

    private static long[] array(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\":\\[([-0-9,]*)\\]").matcher(json);
        if (!m.find()) {
            throw new IllegalArgumentException("no " + name + " (a report of bench/SseLoad.java before the stall timeline?)");
        }
        return m.group(1).isEmpty() ? new long[0] : Arrays.stream(m.group(1).split(",")).mapToLong(Long::parseLong).toArray();
    }

    private static long[][] matrix(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\":\\[((?:\\[[-0-9,]*\\],?)*)\\]").matcher(json);
        if (!m.find()) {
            throw new IllegalArgumentException("no " + name);
        }
        Matcher row = Pattern.compile("\\[([-0-9,]*)\\]").matcher(m.group(1));
        List<long[]> rows = new ArrayList<>();
        while (row.find()) {
            rows.add(row.group(1).isEmpty() ? new long[0] : Arrays.stream(row.group(1).split(",")).mapToLong(Long::parseLong).toArray());
        }
        return rows.toArray(new long[0][]);
    }

    private static List<String> strings(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\":\\[([^\\]]*)\\]").matcher(json);
        if (!m.find()) {
            throw new IllegalArgumentException("no " + name);
        }
        return Arrays.stream(m.group(1).split(",")).map(s -> s.replace("\"", "")).toList();
    }
}
