package io.massivesse.it;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

/**
 * Drives scripts/cluster.sh and scripts/broker.sh from a test: the same commands users run,
 * on ports of their own so they never meet the Arquillian-managed server.
 */
public final class LocalCluster {

    private final int basePort;
    private final int brokerPort;
    private final Map<String, String> environment = new LinkedHashMap<>();

    public LocalCluster(int basePort, int brokerPort) {
        this.basePort = basePort;
        this.brokerPort = brokerPort;
    }

    /** An SSE_* setting for every node this cluster starts (cluster.sh passes its environment on). */
    public LocalCluster with(String name, String value) {
        environment.put(name, value);
        return this;
    }

    public URI node(int index) {
        return URI.create("http://127.0.0.1:" + (basePort + index - 1));
    }

    /** The node's management endpoint (server.xml: HTTP port + 10). */
    public URI management(int index) {
        return URI.create("http://127.0.0.1:" + (basePort + index - 1 + 10));
    }

    /** The node's TLS port (server.xml: HTTP port + 363). */
    public int httpsPort(int index) {
        return basePort + index - 1 + 363;
    }

    /** Where cluster.sh keeps node I (Liberty server node&lt;I&gt;, in the cluster's own user directory). */
    private Path serverDir(int index) {
        return Path.of("target/cluster-" + basePort + "/servers/node" + index);
    }

    public Path messagesLog(int index) {
        return serverDir(index).resolve("logs/messages.log");
    }

    /** The node's process id, from Liberty's pid file. */
    public long pid(int index) {
        try {
            return Long.parseLong(Files.readString(serverDir(index).resolveSibling(".pid")
                    .resolve("node" + index + ".pid")).trim());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public void stopNode(int index) {
        run(120, "scripts/cluster.sh", "stop-node", String.valueOf(index));
    }

    /** Starts a node stopped by {@link #stopNode} again, with its settings, and waits until it relays events. */
    public void startNode(int index) {
        run(180, "scripts/cluster.sh", "start-node", String.valueOf(index));
    }

    public int brokerPort() {
        return brokerPort;
    }

    /** A plain JMS client of this cluster's broker, as an enterprise application would be (the local broker's user). */
    public ActiveMQConnectionFactory jmsClient() {
        return new ActiveMQConnectionFactory("tcp://127.0.0.1:" + brokerPort, "sse", "sse");
    }

    public void start(int nodes) {
        run(300, "scripts/cluster.sh", "start", String.valueOf(nodes));
    }

    public void stop() {
        run(120, "scripts/cluster.sh", "stop");
    }

    public void stopBroker() {
        run(60, "scripts/broker.sh", "stop");
    }

    public void startBroker() {
        run(120, "scripts/broker.sh", "start");
    }

    /** With SSE_BROKER_HA=true: the live broker of the pair dies ({@code kill -9}); the other takes over. */
    public void killLiveBroker() {
        run(30, "scripts/broker.sh", "kill-live");
    }

    /** With SSE_BROKER_HA=true: the broker that died starts again, as the pair's backup. */
    public void startStoppedBroker() {
        run(120, "scripts/broker.sh", "start-stopped");
    }

    private void run(int timeoutSeconds, String... command) {
        ProcessBuilder builder = new ProcessBuilder(command).directory(new File(".")).inheritIO();
        builder.environment().put("SSE_CLUSTER_BASE_PORT", String.valueOf(basePort));
        builder.environment().put("SSE_BROKER_PORT", String.valueOf(brokerPort));
        builder.environment().putAll(environment);
        try {
            Process process = builder.start();
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish in " + timeoutSeconds + " s");
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " exited with " + process.exitValue());
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
