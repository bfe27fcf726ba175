package io.massivesse.ops;

import java.util.Map;
import java.util.Set;

import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Turns traces on when an OTLP endpoint is configured ({@code OTEL_EXPORTER_OTLP_ENDPOINT}, or the one for
 * traces only), and leaves the OpenTelemetry SDK off otherwise: no exporter, no cost.
 * It answers through the application's configuration, so Liberty builds the SDK for this application,
 * where it finds {@link TraceSetup}; {@code OTEL_SDK_DISABLED=false} in the environment would build
 * Liberty's own instance instead, without it (README "Traces").
 */
public class TraceSwitch implements ConfigSource {

    static final String DISABLED = "otel.sdk.disabled";

    /** Below microprofile-config.properties (100): an explicit otel.sdk.disabled anywhere wins. */
    private static final int ORDINAL = 50;

    private final Map<String, String> properties;

    public TraceSwitch() {
        this(System.getenv(), System.getProperties());
    }

    TraceSwitch(Map<String, String> environment, Map<?, ?> systemProperties) {
        boolean endpoint = present(environment.get("OTEL_EXPORTER_OTLP_ENDPOINT"))
                || present(environment.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"))
                || present(systemProperties.get("otel.exporter.otlp.endpoint"))
                || present(systemProperties.get("otel.exporter.otlp.traces.endpoint"));
        properties = Map.of(DISABLED, String.valueOf(!endpoint));
    }

    private static boolean present(Object value) {
        return value != null && !value.toString().isBlank();
    }

    @Override
    public Set<String> getPropertyNames() {
        return properties.keySet();
    }

    @Override
    public String getValue(String propertyName) {
        return properties.get(propertyName);
    }

    @Override
    public String getName() {
        return "massive-sse-service traces switch";
    }

    @Override
    public int getOrdinal() {
        return ORDINAL;
    }
}
