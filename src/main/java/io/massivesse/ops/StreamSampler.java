package io.massivesse.ops;

import java.util.List;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.trace.samplers.SamplingResult;

/**
 * Samples as the configured sampler does (by default every trace), except the server spans of subscribes,
 * which Liberty would otherwise start for every stream and hold for its whole life. (Health probes and
 * metrics scrapes are Liberty's own applications, outside this SDK: they make no spans.)
 */
final class StreamSampler implements Sampler {

    private static final AttributeKey<String> PATH = AttributeKey.stringKey("url.path");

    /** The subscribe endpoint, GET /sse/connect/{userId}. */
    private static final String STREAMS = "/sse/connect/";

    private final Sampler configured;

    StreamSampler(Sampler configured) {
        this.configured = configured;
    }

    @Override
    public SamplingResult shouldSample(Context parentContext, String traceId, String name, SpanKind spanKind,
                                       Attributes attributes, List<LinkData> parentLinks) {
        String path = attributes.get(PATH);
        if (spanKind == SpanKind.SERVER && path != null && path.startsWith(STREAMS)) {
            return SamplingResult.drop();
        }
        return configured.shouldSample(parentContext, traceId, name, spanKind, attributes, parentLinks);
    }

    @Override
    public String getDescription() {
        return "StreamSampler{" + configured.getDescription() + "}";
    }
}
