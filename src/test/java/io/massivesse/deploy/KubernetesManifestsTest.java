package io.massivesse.deploy;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docker/kubernetes checked without a cluster: every manifest is parsed into the Kubernetes object model
 * (fabric8), where a field the model does not know is an error; and the manifests agree with the
 * application: probes on the management port's health paths, a grace period longer than the drain,
 * buffering off at the Ingress, Secrets that exist, the metric the autoscaler reads.
 */
class KubernetesManifestsTest {

    private static final Path DOCKER = Path.of("docker");
    private static final Path MANIFESTS = DOCKER.resolve("kubernetes");
    private static final List<HasMetadata> OBJECTS = new ArrayList<>();
    private static final List<HasMetadata> SECRETS = new ArrayList<>();

    @BeforeAll
    static void parse() throws IOException {
        KubernetesSerialization serialization = new KubernetesSerialization();
        try (Stream<Path> files = Files.list(MANIFESTS)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                for (String document : Files.readString(file).split("(?m)^---\\s*$")) {
                    if (document.lines().allMatch(line -> line.isBlank() || line.trim().startsWith("#"))) {
                        continue;
                    }
                    KubernetesResource parsed = serialization.unmarshal(document);
                    assertThat(parsed).as("%s: a kind the model knows", file).isInstanceOf(HasMetadata.class)
                            .isNotInstanceOf(GenericKubernetesResource.class);
                    assertThat(unknownFields(parsed, file.getFileName() + ":" + parsed.getClass().getSimpleName()))
                            .as("fields the Kubernetes model does not know").isEmpty();
                    (file.getFileName().toString().equals("secrets.example.yaml") ? SECRETS : OBJECTS)
                            .add((HasMetadata) parsed);
                }
            }
        }
        assertThat(OBJECTS).hasSizeGreaterThanOrEqualTo(10);
    }

    /** Paths to every value the model kept as an additional property: a field it does not know. */
    private static List<String> unknownFields(Object value, String path) {
        List<String> unknown = new ArrayList<>();
        if (value == null) {
            return unknown;
        }
        if (value instanceof Collection<?> items) {
            int i = 0;
            for (Object item : items) {
                unknown.addAll(unknownFields(item, path + "[" + i++ + "]"));
            }
            return unknown;
        }
        if (value instanceof Map<?, ?> map) {
            map.forEach((key, item) -> unknown.addAll(unknownFields(item, path + "." + key)));
            return unknown;
        }
        if (!value.getClass().getName().startsWith("io.fabric8.")) {
            return unknown;
        }
        for (Method getter : value.getClass().getMethods()) {
            if (getter.getParameterCount() != 0 || Modifier.isStatic(getter.getModifiers())
                    || !getter.getName().startsWith("get") || getter.getDeclaringClass() == Object.class) {
                continue;
            }
            Object field;
            try {
                field = getter.invoke(value);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
            if (getter.getName().equals("getAdditionalProperties")) {
                if (field instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    unknown.add(path + ": " + extra.keySet());
                }
            } else if (!(value instanceof IntOrString)) {
                unknown.addAll(unknownFields(field, path + "." + getter.getName().substring(3)));
            }
        }
        return unknown;
    }

    private static <T extends HasMetadata> List<T> all(Class<T> kind) {
        return OBJECTS.stream().filter(kind::isInstance).map(kind::cast).toList();
    }

    private static <T extends HasMetadata> T one(Class<T> kind, String name) {
        return all(kind).stream().filter(o -> o.getMetadata().getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind.getSimpleName() + " " + name));
    }

    private static Container node() {
        return one(Deployment.class, "sse-node").getSpec().getTemplate().getSpec().getContainers().get(0);
    }

    private static String serverXmlDefault(String variable) throws IOException {
        Matcher m = Pattern.compile("<variable name=\"" + Pattern.quote(variable) + "\" defaultValue=\"([^\"]*)\"")
                .matcher(Files.readString(Path.of("src/main/liberty/config/server.xml")));
        assertThat(m.find()).as("server.xml variable %s", variable).isTrue();
        return m.group(1);
    }

    private static String setting(Container container, String env, String property) throws IOException {
        for (EnvVar var : container.getEnv()) {
            if (var.getName().equals(env)) {
                return var.getValue();
            }
        }
        Properties defaults = new Properties();
        try (var in = Files.newInputStream(Path.of("src/main/resources/META-INF/microprofile-config.properties"))) {
            defaults.load(in);
        }
        return defaults.getProperty(property);
    }

    private static int containerPort(Container container, IntOrString port) {
        if (port.getIntVal() != null) {
            return port.getIntVal();
        }
        return container.getPorts().stream().filter(p -> port.getStrVal().equals(p.getName())).findFirst()
                .map(ContainerPort::getContainerPort)
                .orElseThrow(() -> new AssertionError("no container port named " + port.getStrVal()));
    }

    @Test
    void theKustomizationAppliesEveryManifestButTheSecretsExampleAndTheBrokersOwnConfiguration() throws IOException {
        Map<String, Object> kustomization = new Yaml().load(Files.readString(DOCKER.resolve("kustomization.yaml")));
        @SuppressWarnings("unchecked")
        List<String> resources = (List<String>) kustomization.get("resources");
        try (Stream<Path> files = Files.list(MANIFESTS)) {
            assertThat(resources).containsExactlyInAnyOrderElementsOf(files.map(f -> "kubernetes/" + f.getFileName())
                    .filter(f -> f.endsWith(".yaml") && !f.endsWith("secrets.example.yaml")).toList());
        }
        assertThat(kustomization.toString()).contains("artemis/broker-primary.xml", "artemis/broker-backup.xml");
        for (String file : List.of("artemis/broker-primary.xml", "artemis/broker-backup.xml")) {
            assertThat(DOCKER.resolve(file)).exists();
        }
    }

    /**
     * Traces stay off until a user sets an endpoint, and OTEL_SDK_DISABLED is never set: it would make Liberty
     * build its own SDK, without the sampler that leaves streams untraced.
     */
    @Test
    void tracesAreOffUntilAnEndpointIsSetAndTheNodeIdNamesTheInstance() throws IOException {
        Container node = node();
        assertThat(node.getEnv()).extracting(EnvVar::getName)
                .doesNotContain("OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_SDK_DISABLED",
                        "OTEL_RESOURCE_ATTRIBUTES")
                .contains("OTEL_SERVICE_NAME");
        assertThat(node.getEnv()).filteredOn(var -> var.getName().equals("SSE_NODE_ID"))
                .singleElement().satisfies(var -> assertThat(var.getValueFrom().getFieldRef().getFieldPath())
                        .isEqualTo("metadata.name"));
    }

    @Test
    void probesAskTheManagementPortsHealthEndpoints() throws IOException {
        Container node = node();
        int management = Integer.parseInt(serverXmlDefault("management.port"));
        assertThat(node.getEnv()).extracting(EnvVar::getName).doesNotContain("MANAGEMENT_PORT");
        Map<String, HTTPGetAction> probes = Map.of("/health/started", node.getStartupProbe().getHttpGet(),
                "/health/ready", node.getReadinessProbe().getHttpGet(), "/health/live", node.getLivenessProbe().getHttpGet());
        probes.forEach((path, probe) -> {
            assertThat(probe.getPath()).isEqualTo(path);
            assertThat(containerPort(node, probe.getPort())).as(path).isEqualTo(management);
        });
        assertThat(node.getPorts()).extracting(ContainerPort::getContainerPort)
                .contains(Integer.parseInt(serverXmlDefault("http.port")), management);
    }

    @Test
    void theGracePeriodOutlastsTheDrain() throws IOException {
        Container node = node();
        int grace = Integer.parseInt(setting(node, "SSE_SHUTDOWN_GRACE_SECONDS", "sse.shutdown.grace.seconds"));
        int spreadSeconds = Integer.parseInt(setting(node, "SSE_SHUTDOWN_SPREAD_MILLIS", "sse.shutdown.spread.millis")) / 1000;
        long podGrace = one(Deployment.class, "sse-node").getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds();
        assertThat(podGrace).isGreaterThan(grace + spreadSeconds);
    }

    @Test
    void theIngressStreamsUnbufferedForAnHourAndKeepsAUserOnOneNode() {
        Map<String, String> annotations = one(Ingress.class, "sse").getMetadata().getAnnotations();
        assertThat(annotations).containsEntry("nginx.ingress.kubernetes.io/proxy-buffering", "off")
                .containsKey("nginx.ingress.kubernetes.io/upstream-hash-by");
        assertThat(Integer.parseInt(annotations.get("nginx.ingress.kubernetes.io/proxy-read-timeout"))).isGreaterThanOrEqualTo(3600);
        String backend = one(Ingress.class, "sse").getSpec().getRules().get(0).getHttp().getPaths().get(0)
                .getBackend().getService().getName();
        assertThat(all(Service.class)).extracting(s -> s.getMetadata().getName()).contains(backend);
    }

    @Test
    void everySecretTheManifestsReadIsInTheExampleWithItsKey() throws IOException {
        List<String> needed = new ArrayList<>();
        for (var workload : List.of(one(Deployment.class, "sse-node").getSpec().getTemplate().getSpec(),
                one(StatefulSet.class, "sse-broker").getSpec().getTemplate().getSpec())) {
            workload.getContainers().forEach(c -> c.getEnv().stream()
                    .filter(e -> e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null)
                    .forEach(e -> needed.add(e.getValueFrom().getSecretKeyRef().getName() + "/" + e.getValueFrom().getSecretKeyRef().getKey())));
            workload.getVolumes().stream().filter(v -> v.getSecret() != null)
                    .forEach(v -> needed.add(v.getSecret().getSecretName() + "/"));
        }
        assertThat(needed).isNotEmpty();
        List<String> present = new ArrayList<>();
        SECRETS.stream().map(Secret.class::cast).forEach(secret -> {
            present.add(secret.getMetadata().getName() + "/");
            secret.getStringData().keySet().forEach(key -> present.add(secret.getMetadata().getName() + "/" + key));
        });
        assertThat(present).containsAll(needed);
        String keyFile = setting(node(), "MP_JWT_VERIFY_PUBLICKEY_LOCATION", "");
        assertThat(node().getVolumeMounts()).anySatisfy(mount -> assertThat(keyFile).isEqualTo(mount.getMountPath() + "/public.pem"));
    }

    @Test
    void theAutoscalerAndPrometheusReadWhatTheNodesExport() throws IOException {
        HorizontalPodAutoscaler hpa = one(HorizontalPodAutoscaler.class, "sse-node");
        assertThat(hpa.getSpec().getScaleTargetRef().getName()).isEqualTo("sse-node");
        String metric = hpa.getSpec().getMetrics().get(0).getPods().getMetric().getName();
        assertThat(metric).isEqualTo("sse_connections_active");
        assertThat(Files.readString(Path.of("src/main/java/io/massivesse/ops/SseMetrics.java")))
                .contains("\"" + metric.replace('_', '.') + "\"");

        ServiceMonitor monitor = one(ServiceMonitor.class, "sse-node");
        Service management = all(Service.class).stream()
                .filter(s -> s.getMetadata().getLabels().entrySet().containsAll(monitor.getSpec().getSelector().getMatchLabels().entrySet()))
                .findFirst().orElseThrow(() -> new AssertionError("no Service matches the ServiceMonitor"));
        String port = monitor.getSpec().getEndpoints().get(0).getPort();
        ServicePort served = management.getSpec().getPorts().stream().filter(p -> p.getName().equals(port)).findFirst().orElseThrow();
        assertThat(containerPort(node(), served.getTargetPort())).isEqualTo(Integer.parseInt(serverXmlDefault("management.port")));
        assertThat(monitor.getSpec().getEndpoints().get(0).getPath()).isEqualTo("/metrics");
    }

    @Test
    void theManagementPortIsOpenOnlyInsideTheNamespace() throws IOException {
        int management = Integer.parseInt(serverXmlDefault("management.port"));
        NetworkPolicy policy = one(NetworkPolicy.class, "sse-node");
        for (NetworkPolicyIngressRule rule : policy.getSpec().getIngress()) {
            boolean opensManagement = rule.getPorts() == null
                    || rule.getPorts().stream().anyMatch(p -> p.getPort().getIntVal() == management);
            if (opensManagement) {
                assertThat(rule.getFrom()).as("who may reach port %d", management).isNotEmpty()
                        .allSatisfy(peer -> {
                            assertThat(peer.getIpBlock()).isNull();
                            assertThat(peer.getNamespaceSelector()).isNull();
                        });
            }
        }
        assertThat(policy.getSpec().getPodSelector().getMatchLabels())
                .isEqualTo(one(Deployment.class, "sse-node").getSpec().getTemplate().getMetadata().getLabels());
    }

    @Test
    void disruptionsTakeOneNodeAndOneBrokerAtATime() throws IOException {
        assertThat(all(PodDisruptionBudget.class)).hasSize(2)
                .allSatisfy(pdb -> assertThat(pdb.getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1));
        assertThat(one(StatefulSet.class, "sse-broker").getSpec().getReplicas()).isEqualTo(2);
        // The names the nodes and broker.xml use for the pair are Services of the manifests.
        assertThat(all(Service.class)).extracting(s -> s.getMetadata().getName()).contains(
                setting(node(), "BROKER_HOST", ""), setting(node(), "BROKER_BACKUP_HOST", ""));
    }
}
