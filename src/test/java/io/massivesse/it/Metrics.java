package io.massivesse.it;

import java.net.URI;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.massivesse.it.Http.get;
import static org.assertj.core.api.Assertions.assertThat;

/** The application metrics of one scrape, by Prometheus series (name plus labels). */
record Metrics(Map<String, Double> series) {

    private static final Pattern LINE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*\\})?\\s+(\\S+)");

    static Metrics read(URI uri) {
        HttpResponse<String> response = get(uri);
        assertThat(response.statusCode()).isEqualTo(200);
        Map<String, Double> series = new HashMap<>();
        for (String line : response.body().split("\n")) {
            Matcher m = LINE.matcher(line);
            if (!line.startsWith("#") && m.find()) {
                series.merge(m.group(1) + (m.group(2) == null ? "" : m.group(2)), Double.parseDouble(m.group(3)), Double::sum);
            }
        }
        return new Metrics(series);
    }

    /** Sum of every series of this name whose labels contain all of {@code labels}. */
    double value(String name, String... labels) {
        return series.entrySet().stream()
                .filter(e -> e.getKey().equals(name) || e.getKey().startsWith(name + "{"))
                .filter(e -> Arrays.stream(labels).allMatch(e.getKey()::contains))
                .mapToDouble(Map.Entry::getValue).sum();
    }

    long delta(Metrics before, String name, String... labels) {
        return Math.round(value(name, labels) - before.value(name, labels));
    }
}
