package io.massivesse.push;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.massivesse.event.Topics;
import io.massivesse.event.Update;
import io.massivesse.hub.CloseReason;
import io.massivesse.hub.DuplicatePolicy;
import io.massivesse.hub.HistorySettings;
import io.massivesse.hub.Hub;
import io.massivesse.hub.HubMetrics;
import io.massivesse.hub.HubSettings;
import io.massivesse.hub.RecordingStream;
import io.massivesse.hub.Subscriber;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The close watch's one thread over real loopback sockets: it keeps noticing closes whatever the hub is doing, and
 * whatever a stream's end throws at it.
 */
class ClientCloseWatchTest {

    private final List<SocketChannel> sockets = new ArrayList<>();
    private Hub hub;
    private ClientCloseWatch watch;
    private ServerSocketChannel server;

    @BeforeEach
    void start() throws IOException {
        hub = new Hub(new HubSettings("node-t", 100, 30, 30, 2000, 1_000, 3, DuplicatePolicy.REPLACE,
                new HistorySettings(50, 50, 300, 1 << 20), 3, 0), HubMetrics.NONE);
        watch = new ClientCloseWatch();
        watch.hub = hub;
        watch.start();
        server = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    @AfterEach
    void stop() throws IOException {
        watch.stop();
        for (SocketChannel socket : sockets) {
            socket.close();
        }
        server.close();
        // Bounded: a hub that is stuck must not hang the run as well.
        Thread shutdown = new Thread(hub::shutdown, "hub-shutdown");
        shutdown.setDaemon(true);
        shutdown.start();
    }

    /** A connected pair: the client's end, and the server's (non-blocking, as Liberty's are). */
    private SocketChannel[] pair() throws IOException {
        SocketChannel client = SocketChannel.open(server.getLocalAddress());
        SocketChannel accepted = server.accept();
        accepted.configureBlocking(false);
        sockets.add(client);
        sockets.add(accepted);
        return new SocketChannel[] {client, accepted};
    }

    @Test
    void closesAreNoticedOneAfterAnotherWhileAFanOutHoldsTheHub() throws Exception {
        List<Subscriber> watched = new ArrayList<>();
        List<SocketChannel> clients = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            SocketChannel[] pair = pair();
            Subscriber subscriber = hub.subscribe("c" + i, new RecordingStream(), null, Topics.NONE);
            watch.watch(pair[1], () -> subscriber.close(CloseReason.CLIENT_GONE));
            watched.add(subscriber);
            clients.add(pair[0]);
        }
        RecordingStream holder = new RecordingStream().writingAtOnce();
        hub.subscribe("holder", holder, null, Topics.NONE);
        await().atMost(5, TimeUnit.SECONDS).until(() -> holder.framesWritten() == 1);
        holder.holdNow();
        Thread fanOut = new Thread(() -> hub.deliver(new Update("1", null, "held", "holder", null, System.currentTimeMillis())));
        fanOut.start();
        try {
            assertThat(holder.awaitHeld(5)).as("the fan-out is under way, holding the hub").isTrue();
            for (SocketChannel client : clients) {
                client.close();
            }
            // Each close is seen in milliseconds, the later ones not held up by the first.
            await().atMost(5, TimeUnit.SECONDS).until(() -> watched.stream().allMatch(Subscriber::isClosed));
        } finally {
            holder.releaseNow();
            fanOut.join(5_000);
        }
        await().atMost(5, TimeUnit.SECONDS).until(() -> hub.activeConnections() == 1);
    }

    @Test
    void anErrorWhileEndingOneStreamDoesNotStopTheWatch() throws Exception {
        SocketChannel[] first = pair();
        AtomicBoolean firstEnded = new AtomicBoolean();
        watch.watch(first[1], () -> {
            firstEnded.set(true);
            throw new NoClassDefFoundError("a class the stream's end needs is missing");
        });
        SocketChannel[] second = pair();
        AtomicBoolean secondEnded = new AtomicBoolean();
        watch.watch(second[1], () -> secondEnded.set(true));

        first[0].close();
        await().atMost(5, TimeUnit.SECONDS).untilTrue(firstEnded);
        second[0].close();
        await().atMost(5, TimeUnit.SECONDS).untilTrue(secondEnded);
    }
}
