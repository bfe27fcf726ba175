package io.massivesse.ops;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.trace.samplers.SamplingDecision;

import static org.assertj.core.api.Assertions.assertThat;

class StreamSamplerTest {

    private static final String TRACE = "0af7651916cd43dd8448eb211c80319c";

    private static SamplingDecision decide(Sampler sampler, SpanKind kind, String path) {
        Attributes attributes = path == null ? Attributes.empty() : Attributes.of(AttributeKey.stringKey("url.path"), path);
        return sampler.shouldSample(Context.root(), TRACE, "GET", kind, attributes, List.of()).getDecision();
    }

    @Test
    void subscribesAreDroppedAndPublishesSampled() {
        Sampler sampler = new StreamSampler(Sampler.alwaysOn());
        assertThat(decide(sampler, SpanKind.SERVER, "/sse/connect/alice")).isEqualTo(SamplingDecision.DROP);
        assertThat(decide(sampler, SpanKind.SERVER, "/sse/presence/alice")).isEqualTo(SamplingDecision.RECORD_AND_SAMPLE);
        assertThat(decide(sampler, SpanKind.SERVER, "/sse/broadcast")).isEqualTo(SamplingDecision.RECORD_AND_SAMPLE);
        assertThat(decide(sampler, SpanKind.SERVER, "/sse/topics/orders/42")).isEqualTo(SamplingDecision.RECORD_AND_SAMPLE);
        assertThat(decide(sampler, SpanKind.SERVER, null)).isEqualTo(SamplingDecision.RECORD_AND_SAMPLE);
        // Only server spans are looked at: the relay's own spans carry no path.
        assertThat(decide(sampler, SpanKind.CONSUMER, "/sse/connect/alice")).isEqualTo(SamplingDecision.RECORD_AND_SAMPLE);
    }

    @Test
    void everythingElseIsLeftToTheConfiguredSampler() {
        Sampler sampler = new StreamSampler(Sampler.alwaysOff());
        assertThat(decide(sampler, SpanKind.SERVER, "/sse/broadcast")).isEqualTo(SamplingDecision.DROP);
        assertThat(decide(sampler, SpanKind.PRODUCER, null)).isEqualTo(SamplingDecision.DROP);
        assertThat(sampler.getDescription()).contains(Sampler.alwaysOff().getDescription());
    }

    @Test
    void tracesAreOnExactlyWhenAnOtlpEndpointIsConfigured() {
        assertThat(new TraceSwitch(Map.of(), Map.of()).getValue("otel.sdk.disabled")).isEqualTo("true");
        assertThat(new TraceSwitch(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", " "), Map.of()).getValue("otel.sdk.disabled"))
                .isEqualTo("true");
        assertThat(new TraceSwitch(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318"), Map.of())
                .getValue("otel.sdk.disabled")).isEqualTo("false");
        assertThat(new TraceSwitch(Map.of("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://collector:4318/v1/traces"), Map.of())
                .getValue("otel.sdk.disabled")).isEqualTo("false");
        assertThat(new TraceSwitch(Map.of(), Map.of("otel.exporter.otlp.endpoint", "http://collector:4318"))
                .getValue("otel.sdk.disabled")).isEqualTo("false");
        // Below microprofile-config.properties and the environment: an explicit otel.sdk.disabled wins.
        assertThat(new TraceSwitch(Map.of(), Map.of()).getOrdinal()).isLessThan(100);
        assertThat(new TraceSwitch(Map.of(), Map.of()).getPropertyNames()).containsExactly("otel.sdk.disabled");
    }
}
