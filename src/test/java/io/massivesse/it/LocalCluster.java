package io.massivesse.it;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

/**
 * Drives scripts/cluster.sh and scripts/broker.sh from a test: the same commands users run, on ports of
 * their own. A cluster is started once per test run, by the first class that asks for it ({@link #start}),
 * and stopped when the test JVM exits: the classes that share a configuration ({@link SharedClusters})
 * share its servers, and the others pay for their own only once.
 */
public final class LocalCluster {

    /** The heartbeat of every test cluster that does not set its own. */
    public static final int HEARTBEAT_SECONDS = 1;

    /**
     * The JVM options of test nodes and brokers: the JIT's first tier only, and no verification of the
     * bytecode of Liberty's and Artemis's own jars. No test measures speed, and a node then starts on less
     * than half the CPU (measured on the 2-core machine: three nodes 92 CPU-s with the defaults, 53 with the
     * first tier; two nodes 34 and 27 without verification).
     */
    private static final String JVM_OPTIONS = "-XX:TieredStopAtLevel=1 -XX:+UnlockDiagnosticVMOptions -XX:-BytecodeVerificationRemote";

    /**
     * What every test cluster runs with unless its class says otherwise: heartbeats every second (a closed
     * client is noticed at once), a small queue and a short slow-consumer limit (a stalled client is evicted
     * within a test), and the JVM options above.
     */
    private static final Map<String, String> TEST_SETTINGS = Map.of(
            "SSE_HEARTBEAT_SECONDS", String.valueOf(LocalCluster.HEARTBEAT_SECONDS),
            "SSE_SLOW_CONSUMER_SECONDS", "5",
            "SSE_BUFFER_SIZE", "300",
            "JVM_ARGS", JVM_OPTIONS,
            "JAVA_ARGS_APPEND", JVM_OPTIONS);

    /** Every cluster started in this JVM, stopped together when it exits. */
    private static final Set<LocalCluster> STARTED = new LinkedHashSet<>();

    /**
     * At most two clusters start at a time, the rest wait their turn: starting JVMs is all CPU, so more at
     * once only spread the two cores thinner and every waiting class gets its first node later.
     */
    private static final Semaphore STARTING = new Semaphore(2, true);

    /** Node starts and stops side by side, however few cores the common pool thinks it has. */
    private static final ExecutorService BACKGROUND = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "local-cluster");
        thread.setDaemon(true);
        return thread;
    });

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(LocalCluster::stopAll, "local-cluster-stop"));
    }

    private final int basePort;
    private final int brokerPort;
    private final Map<String, String> environment = new LinkedHashMap<>(TEST_SETTINGS);
    private int nodes;
    private CompletableFuture<Void> stopping;

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
            return Long.parseLong(Files.readString(pidFile(index)).trim());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private Path pidFile(int index) {
        return serverDir(index).resolveSibling(".pid").resolve("node" + index + ".pid");
    }

    private boolean running(int index) {
        try {
            return Files.exists(pidFile(index)) && ProcessHandle.of(pid(index)).map(ProcessHandle::isAlive).orElse(false);
        } catch (IllegalStateException | NumberFormatException e) {
            return false;
        }
    }

    public void stopNode(int index) {
        run(120, "scripts/cluster.sh", "stop-node", String.valueOf(index));
    }

    /** Starts a node stopped by {@link #stopNode} (or killed) again, with its settings, and waits until it relays events. */
    public void startNode(int index) {
        run(360, "scripts/cluster.sh", "start-node", String.valueOf(index));
    }

    public int brokerPort() {
        return brokerPort;
    }

    /** A plain JMS client of this cluster's broker, as an enterprise application would be (the local broker's user). */
    public ActiveMQConnectionFactory jmsClient() {
        return new ActiveMQConnectionFactory("tcp://127.0.0.1:" + brokerPort, "sse", "sse");
    }

    /**
     * The broker and {@code count} nodes, running: started the first time, and afterwards every node an
     * earlier class stopped or killed is started again with the settings it had, so no class depends on
     * what another left behind.
     */
    public synchronized void start(int count) {
        if (stopping != null) {
            stopping.join();
            stopping = null;
        }
        if (nodes == 0) {
            starting(() -> run(420, "scripts/cluster.sh", "start", String.valueOf(count)));
            nodes = count;
            synchronized (STARTED) {
                STARTED.add(this);
            }
            return;
        }
        if (count != nodes) {
            throw new IllegalStateException("the cluster on " + basePort + " has " + nodes + " nodes, not " + count);
        }
        List<Integer> stopped = IntStream.rangeClosed(1, nodes).filter(index -> !running(index)).boxed().toList();
        if (!stopped.isEmpty()) {
            starting(() -> stopped.stream()
                    .map(index -> CompletableFuture.runAsync(() -> startNode(index), BACKGROUND)).toList()
                    .forEach(CompletableFuture::join));
        }
    }

    private static void starting(Runnable start) {
        STARTING.acquireUninterruptibly();
        try {
            start.run();
        } finally {
            STARTING.release();
        }
    }

    /**
     * Stops the nodes and the broker in the background, for a class whose cluster nobody else uses: it
     * goes on at once, and the run's end waits for the stop.
     */
    public synchronized CompletableFuture<Void> stop() {
        if (stopping == null && nodes > 0) {
            stopping = CompletableFuture.runAsync(() -> run(180, "scripts/cluster.sh", "stop"), BACKGROUND);
            nodes = 0;
        }
        return stopping == null ? CompletableFuture.completedFuture(null) : stopping;
    }

    /** All clusters at once: the test run ends when the slowest has stopped, not after the sum of them. */
    private static void stopAll() {
        List<LocalCluster> started;
        synchronized (STARTED) {
            started = List.copyOf(STARTED);
        }
        for (CompletableFuture<Void> stopping : started.stream().map(LocalCluster::stop).toList()) {
            try {
                stopping.join();
            } catch (RuntimeException e) {
                System.err.println("[local-cluster] " + e.getMessage());
            }
        }
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
