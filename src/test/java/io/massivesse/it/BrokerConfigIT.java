package io.massivesse.it;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.Topic;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The compose setup's broker pair (docker/artemis/broker-primary.xml and broker-backup.xml), checked
 * without a container engine: the same Artemis distribution runs both files, with the shared volume
 * and the service names moved to a local directory and loopback ports. The backup must announce
 * itself, take over when the primary dies, and keep what a client sent persistently.
 */
@Order(14)
class BrokerConfigIT {

    private static final int PRIMARY_PORT = 61786;
    private static final int BACKUP_PORT = 61787;
    private static final Path DIR = Path.of("target/broker-config-it").toAbsolutePath();
    private static final List<Process> BROKERS = new ArrayList<>();

    @AfterAll
    static void stop() {
        BROKERS.forEach(Process::destroyForcibly);
    }

    /** The distribution scripts/broker.sh fetched for the integration tests' broker. */
    private static Path artemisHome() throws IOException {
        try (var found = Files.list(Path.of("target/artemis"))) {
            return found.filter(p -> p.getFileName().toString().startsWith("apache-artemis-")).findFirst().orElseThrow()
                    .toAbsolutePath();
        }
    }

    /** A plain instance (users, scripts) whose broker.xml is replaced by the compose file, made local. */
    private static Path instance(String role, int port) throws Exception {
        Path instance = DIR.resolve(role);
        Process create = new ProcessBuilder(artemisHome().resolve("bin/artemis").toString(), "create", instance.toString(),
                "--silent", "--force", "--user", "sse", "--password", "sse", "--require-login", "--no-web")
                .redirectErrorStream(true).redirectOutput(DIR.resolve(role + "-create.log").toFile()).start();
        assertThat(create.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(create.exitValue()).isZero();
        String xml = Files.readString(Path.of("docker/artemis/broker-" + role + ".xml"))
                .replace("/var/lib/artemis-shared", DIR.resolve("shared").toString())
                .replace("tcp://0.0.0.0:61616", "tcp://127.0.0.1:" + port)
                .replace("tcp://broker-primary:61616", "tcp://127.0.0.1:" + PRIMARY_PORT)
                .replace("tcp://broker-backup:61616", "tcp://127.0.0.1:" + BACKUP_PORT);
        assertThat(xml).doesNotContain("broker-primary:", "broker-backup:", "/var/lib/");
        Files.writeString(instance.resolve("etc/broker.xml"), xml);
        return instance;
    }

    private static Path run(Path instance) throws IOException {
        Path log = instance.resolve("run.log");
        BROKERS.add(new ProcessBuilder(instance.resolve("bin/artemis").toString(), "run").redirectErrorStream(true)
                .redirectOutput(log.toFile()).directory(new File(".")).start());
        return log;
    }

    private static boolean logged(Path log, String code) {
        try {
            return Files.exists(log) && Files.readString(log).contains(code);
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void theComposePairFailsOverAndKeepsPersistentMessages() throws Exception {
        // A journal from an earlier run would hold that run's messages.
        if (Files.exists(DIR)) {
            try (var paths = Files.walk(DIR)) {
                paths.sorted(java.util.Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            }
        }
        Files.createDirectories(DIR);
        Path primary = instance("primary", PRIMARY_PORT);
        Path backup = instance("backup", BACKUP_PORT);
        Path primaryLog = run(primary);
        await().atMost(150, TimeUnit.SECONDS).until(() -> logged(primaryLog, "AMQ221007"));
        Path backupLog = run(backup);
        // AMQ221031: the backup announced itself to the primary, so clients learn of it.
        await().atMost(150, TimeUnit.SECONDS).until(() -> logged(backupLog, "AMQ221031"));

        String url = "(tcp://127.0.0.1:" + PRIMARY_PORT + ",tcp://127.0.0.1:" + BACKUP_PORT + ")?ha=true&reconnectAttempts=-1";
        try (ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory(url, "sse", "sse");
             JMSContext context = factory.createContext()) {
            context.setClientID("broker-config-it");
            Topic topic = context.createTopic("sse.events");
            JMSConsumer consumer = context.createDurableConsumer(topic, "check");
            context.createProducer().setDeliveryMode(jakarta.jms.DeliveryMode.PERSISTENT).send(topic, "before");
            assertThat(consumer.receiveBody(String.class, 10_000)).isEqualTo("before");

            BROKERS.get(0).destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            // AMQ221010: the backup is now live, on the primary's journal.
            await().atMost(150, TimeUnit.SECONDS).until(() -> logged(backupLog, "AMQ221010"));
            context.createProducer().setDeliveryMode(jakarta.jms.DeliveryMode.PERSISTENT).send(topic, "after");
            // The acknowledgement of "before" may have died with the primary: it may come again (the nodes
            // recognise such a redelivery by its id), and then "after".
            List<String> received = new ArrayList<>();
            long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!received.contains("after") && System.nanoTime() < giveUp) {
                String body = consumer.receiveBody(String.class, 1_000);
                if (body != null) {
                    received.add(body);
                }
            }
            assertThat(received).endsWith("after").allMatch(body -> body.equals("before") || body.equals("after"));
        }
    }
}
