import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.DataFormatException;

import org.HdrHistogram.Histogram;

/**
 * Merges the per-process reports of bench/SseLoad.java into one: latency histograms added,
 * per-event completion taken as the latest process, receivers summed. Prints the summary table,
 * writes the merged JSON and an HTML page with the latency percentile plot.
 *
 *   java -cp target/bench-lib/HdrHistogram-2.2.2.jar bench/SseReport.java OUT_PREFIX client-*.json
 *
 * Writes OUT_PREFIX.json and OUT_PREFIX.html.
 */
public final class SseReport {

    record Part(String name, long connected, long failed, long closedByServer, long healthy, int warmup,
                long[] receivers, long[] completionMicros, long gaps, long duplicates, Histogram latency,
                double cpuSeconds) {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: SseReport OUT_PREFIX report.json...");
            System.exit(2);
        }
        List<Part> parts = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            parts.add(read(Path.of(args[i])));
        }
        int events = parts.get(0).receivers().length;
        int warmup = parts.get(0).warmup();
        Histogram latency = new Histogram(3_600_000_000L, 3);
        long healthy = 0, connected = 0, failed = 0, closed = 0, gaps = 0, duplicates = 0;
        double clientCpu = 0;
        long[] receivers = new long[events];
        long[] completion = new long[events];
        for (Part part : parts) {
            if (part.receivers().length != events) {
                throw new IllegalArgumentException(part.name() + " expected " + part.receivers().length + " events, not " + events);
            }
            latency.add(part.latency());
            healthy += part.healthy();
            connected += part.connected();
            failed += part.failed();
            closed += part.closedByServer();
            gaps += part.gaps();
            duplicates += part.duplicates();
            clientCpu += part.cpuSeconds();
            for (int e = 0; e < events; e++) {
                receivers[e] += part.receivers()[e];
                completion[e] = Math.max(completion[e], part.completionMicros()[e]);
            }
        }
        long missing = 0;
        int reachingAll = 0;
        for (int e = 0; e < events; e++) {
            missing += Math.max(0, healthy - receivers[e]);
            if (receivers[e] == healthy) {
                reachingAll++;
            }
        }
        long[] measured = Arrays.copyOfRange(completion, warmup, events);
        long[] sorted = measured.clone();
        Arrays.sort(sorted);
        String summary = String.format(Locale.ROOT,
                "{\"processes\":%d,\"connected\":%d,\"failedConnects\":%d,\"closedByServer\":%d,\"healthyConnections\":%d,"
                        + "\"events\":%d,\"warmupEvents\":%d,\"deliveries\":%d,\"eventsReachingAll\":%d,\"lostGaps\":%d,"
                        + "\"missingAtEnd\":%d,\"duplicates\":%d,\"latencyMs\":{\"p50\":%.1f,\"p90\":%.1f,\"p99\":%.1f,\"p999\":%.1f,\"max\":%.1f},"
                        + "\"completionMs\":{\"p50\":%.1f,\"p99\":%.1f,\"max\":%.1f},\"clientCpuSeconds\":%.1f,\"completionByEventMs\":%s}",
                parts.size(), connected, failed, closed, healthy, events - warmup, warmup, latency.getTotalCount(), reachingAll,
                gaps, missing, duplicates, ms(latency.getValueAtPercentile(50)), ms(latency.getValueAtPercentile(90)),
                ms(latency.getValueAtPercentile(99)), ms(latency.getValueAtPercentile(99.9)), ms(latency.getMaxValue()),
                ms(pct(sorted, 50)), ms(pct(sorted, 99)), ms(sorted.length == 0 ? 0 : sorted[sorted.length - 1]), clientCpu,
                Arrays.toString(Arrays.stream(measured).map(c -> c / 1000).toArray()).replace(" ", ""));
        Files.writeString(Path.of(args[0] + ".json"), summary + "\n");
        Files.writeString(Path.of(args[0] + ".html"), html(latency, measured, args[0]));
        System.out.printf(Locale.ROOT, "%n%-34s %s%n", "client processes", parts.size());
        System.out.printf(Locale.ROOT, "%-34s %d connected, %d failed, %d closed by server%n", "connections", connected, failed, closed);
        System.out.printf(Locale.ROOT, "%-34s %d (+%d warm-up) to %d healthy connections%n", "broadcasts measured", events - warmup, warmup, healthy);
        System.out.printf(Locale.ROOT, "%-34s %d of %d events reached every healthy connection%n", "complete", reachingAll, events);
        System.out.printf(Locale.ROOT, "%-34s %d gaps, %d missing at end, %d duplicates%n", "loss", gaps, missing, duplicates);
        System.out.printf(Locale.ROOT, "%-34s p50 %.1f  p90 %.1f  p99 %.1f  p99.9 %.1f  max %.1f ms (%d deliveries)%n", "fan-out latency",
                ms(latency.getValueAtPercentile(50)), ms(latency.getValueAtPercentile(90)), ms(latency.getValueAtPercentile(99)),
                ms(latency.getValueAtPercentile(99.9)), ms(latency.getMaxValue()), latency.getTotalCount());
        System.out.printf(Locale.ROOT, "%-34s p50 %.1f  p99 %.1f  max %.1f ms%n", "completion per broadcast",
                ms(pct(sorted, 50)), ms(pct(sorted, 99)), ms(sorted.length == 0 ? 0 : sorted[sorted.length - 1]));
        System.out.printf(Locale.ROOT, "%-34s %.1f s%n", "client CPU (all processes)", clientCpu);
        System.out.printf("%-34s %s.json, %s.html%n", "written", args[0], args[0]);
    }

    private static double ms(long micros) {
        return micros / 1000.0;
    }

    private static long pct(long[] sorted, double p) {
        return sorted.length == 0 ? 0 : sorted[(int) Math.min(sorted.length - 1, Math.ceil(p / 100 * sorted.length) - 1)];
    }

    private static final Pattern NUMBER = Pattern.compile("\"%s\":(-?[0-9.]+)");

    private static double number(String json, String name) {
        Matcher m = Pattern.compile(String.format(NUMBER.pattern(), name)).matcher(json);
        if (!m.find()) {
            throw new IllegalArgumentException("no " + name);
        }
        return Double.parseDouble(m.group(1));
    }

    private static long[] array(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\":\\[([0-9,]*)\\]").matcher(json);
        if (!m.find()) {
            throw new IllegalArgumentException("no " + name);
        }
        return m.group(1).isEmpty() ? new long[0] : Arrays.stream(m.group(1).split(",")).mapToLong(Long::parseLong).toArray();
    }

    private static Part read(Path file) throws IOException, DataFormatException {
        String json = Files.readString(file);
        Matcher h = Pattern.compile("\"histogram\":\"([A-Za-z0-9+/=]*)\"").matcher(json);
        if (!h.find()) {
            throw new IllegalArgumentException(file + ": no histogram");
        }
        Histogram latency = Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(Base64.getDecoder().decode(h.group(1))), 0);
        return new Part(file.getFileName().toString(), (long) number(json, "connected"), (long) number(json, "failed"),
                (long) number(json, "closedByServer"), (long) number(json, "healthyConnections"), (int) number(json, "warmupEvents"),
                array(json, "receivers"), array(json, "completionMicros"), (long) number(json, "lostGaps"),
                (long) number(json, "duplicates"), latency, number(json, "cpuSeconds"));
    }

    /** A self-contained page: the latency percentile plot (log scale, as HdrHistogram's plotter draws it) and completion per broadcast. */
    private static String html(Histogram latency, long[] completion, String title) {
        double[] percentiles = {0, 50, 75, 90, 95, 99, 99.5, 99.9, 99.95, 99.99, 99.999, 100};
        int w = 760, h = 360, left = 60, bottom = 40;
        double maxX = Math.log10(1 / (1 - 99.999 / 100));
        double maxY = Math.max(1, ms(latency.getMaxValue()));
        StringBuilder points = new StringBuilder();
        StringBuilder labels = new StringBuilder();
        for (double p : percentiles) {
            double x = p >= 100 ? maxX : Math.log10(1 / (1 - p / 100));
            double y = ms(latency.getValueAtPercentile(p));
            double px = left + x / maxX * (w - left - 20);
            double py = h - bottom - y / maxY * (h - bottom - 20);
            points.append(String.format(Locale.ROOT, "%.1f,%.1f ", px, py));
            labels.append(String.format(Locale.ROOT, "<text x='%.1f' y='%d' font-size='10' text-anchor='middle'>%s</text>"
                    + "<circle cx='%.1f' cy='%.1f' r='3' fill='#1f6feb'><title>p%s: %.1f ms</title></circle>",
                    px, h - bottom + 14 + (p >= 100 ? 12 : 0),
                    p >= 100 ? "max" : (p == Math.floor(p) ? String.valueOf((int) p) : String.valueOf(p)) + "%", px, py, p, y));
        }
        StringBuilder bars = new StringBuilder();
        double maxC = Math.max(1, Arrays.stream(completion).max().orElse(1) / 1000.0);
        double bw = completion.length == 0 ? 0 : (double) (w - left - 20) / completion.length;
        for (int i = 0; i < completion.length; i++) {
            double c = completion[i] / 1000.0;
            double bh = c / maxC * (h - bottom - 20);
            bars.append(String.format(Locale.ROOT, "<rect x='%.1f' y='%.1f' width='%.1f' height='%.1f' fill='#2da44e'><title>#%d: %.0f ms</title></rect>",
                    left + i * bw, h - bottom - bh, Math.max(1, bw - 1), bh, i, c));
        }
        return "<!DOCTYPE html><html><head><meta charset='utf-8'><title>" + title + "</title></head>"
                + "<body style='font-family:sans-serif'><h2>Fan-out latency by percentile</h2>"
                + "<svg width='" + w + "' height='" + h + "' style='border:1px solid #ddd'>"
                + "<polyline fill='none' stroke='#1f6feb' stroke-width='2' points='" + points + "'/>" + labels
                + String.format(Locale.ROOT, "<text x='5' y='20' font-size='11'>%.0f ms</text><text x='5' y='%d' font-size='11'>0</text>", maxY, h - bottom)
                + "</svg><p>" + latency.getTotalCount() + " deliveries; x: percentile (log scale), y: ms from publish to parsed by the client.</p>"
                + "<h2>Completion time per broadcast</h2><svg width='" + w + "' height='" + h + "' style='border:1px solid #ddd'>" + bars
                + String.format(Locale.ROOT, "<text x='5' y='20' font-size='11'>%.0f ms</text><text x='5' y='%d' font-size='11'>0</text>", maxC, h - bottom)
                + "</svg><p>Time until the last healthy connection had each measured broadcast, in publish order.</p></body></html>\n";
    }
}
