package io.massivesse.ops;

import org.eclipse.microprofile.config.ConfigProvider;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.autoconfigure.spi.AutoConfigurationCustomizer;
import io.opentelemetry.sdk.autoconfigure.spi.AutoConfigurationCustomizerProvider;
import io.opentelemetry.sdk.resources.Resource;

/**
 * What this service adds to the OpenTelemetry SDK that Liberty builds for it (found through
 * META-INF/services): the node id as {@code service.instance.id} of every span, and a sampler that
 * leaves streams untraced.
 */
public class TraceSetup implements AutoConfigurationCustomizerProvider {

    static final AttributeKey<String> INSTANCE = AttributeKey.stringKey("service.instance.id");

    @Override
    public void customize(AutoConfigurationCustomizer customizer) {
        customizer.addSamplerCustomizer((configured, config) -> new StreamSampler(configured));
        // Added after Liberty's own resource customizer, so the node id replaces its random instance id.
        customizer.addResourceCustomizer((resource, config) -> resource.merge(Resource.create(Attributes.of(INSTANCE,
                ConfigProvider.getConfig().getOptionalValue("sse.node.id", String.class).orElse("unknown")))));
    }
}
