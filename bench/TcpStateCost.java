package io.massivesse.push;

import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * What the vanished-client look costs (bench/vanish.sh): N loopback connections, then ten rounds of reading the
 * kernel's TCP state of every accepted socket, as the close watch does every few seconds. Compiled beside the
 * application's classes (the reader is package-private); run on Java 22+ with the options of jvm.options.
 *
 *   TcpStateCost N
 */
public final class TcpStateCost {
    public static void main(String[] args) throws Throwable {
        int n = Integer.parseInt(args[0]);
        List<SocketChannel> open = new ArrayList<>();
        int[] descriptors = new int[n];
        try (ServerSocketChannel server = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0), n)) {
            for (int i = 0; i < n; i++) {
                open.add(SocketChannel.open(server.getLocalAddress()));
                SocketChannel accepted = server.accept();
                open.add(accepted);
                descriptors[i] = TcpState.descriptor(accepted);
            }
            TcpState tcp = TcpState.open();
            long waiting = 0;
            double best = Double.MAX_VALUE;
            for (int round = 0; round < 10; round++) {
                long start = System.nanoTime();
                for (int descriptor : descriptors) {
                    waiting += tcp.unansweredMillis(descriptor) >= 0 ? 1 : 0;
                }
                best = Math.min(best, (System.nanoTime() - start) / 1e6);
            }
            System.out.printf("one look at %,d sockets: %.1f ms (%.0f ns a socket, best of 10); %d waited on their peer%n",
                    n, best, best * 1e6 / n, waiting);
        } finally {
            for (SocketChannel channel : open) {
                channel.close();
            }
        }
    }
}
