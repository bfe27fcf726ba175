package io.massivesse.push;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
import java.util.concurrent.ThreadLocalRandom;
import java.util.logging.Level;
import java.util.logging.Logger;

import jdk.net.ExtendedSocketOptions;

/**
 * Finds a client that vanished without a FIN or a reset (a phone out of coverage, a pulled cable) within one
 * heartbeat interval. Such a client never makes a write fail quickly: Linux retransmits unacknowledged data for
 * ~15 minutes ({@code tcp_retries2}), and keepalive does not run while data is unacknowledged. So the node asks
 * the kernel: a stream whose client has left something unanswered (data or a probe) for half the interval (and
 * the looks have seen that same wait for a quarter of it: {@link Silence}) is given up. Keepalive (idle a
 * quarter of the interval, probes a tenth apart) puts a probe on a quiet stream.
 *
 * <p>{@code TCP_USER_TIMEOUT} would make the kernel do the first part, but it also resets a client that is alive
 * and not reading (zero window, its probes answered) after the same time, ahead of the slow-consumer rule: a live
 * client's kernel answers at once whatever its application does, so "unanswered" tells the two apart.
 */
final class VanishedClients {

    private static final Logger LOG = Logger.getLogger(VanishedClients.class.getName());
    private static final int PROBES = 5;
    /** Below this a busy loopback or a paused client host could look silent: no less, whatever the heartbeat. */
    private static final long MIN_SILENCE_MILLIS = 2000;

    private final int idleSeconds;
    /** Below the silence allowed, so a quiet vanished client has a probe out before it is judged. */
    private final int maxIdleSeconds;
    private final int probeSeconds;
    private final long silenceMillis;
    /** Null where the kernel cannot be asked: then keepalive alone ends a quiet vanished client (22 s at 30 s). */
    private final TcpState tcp;
    private volatile boolean keepaliveFailed;
    private volatile boolean descriptorFailed;

    VanishedClients(int heartbeatSeconds) {
        this.idleSeconds = Math.max(1, heartbeatSeconds / 4);
        this.probeSeconds = Math.max(1, heartbeatSeconds / 10);
        this.silenceMillis = Math.max(MIN_SILENCE_MILLIS, heartbeatSeconds * 500L);
        this.maxIdleSeconds = Math.max(idleSeconds, (int) (silenceMillis / 1000) - 1);
        TcpState state;
        try {
            state = TcpState.open();
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            LOG.info("A client that vanishes with data in flight is given up by the kernel's retry limit (~15 min), "
                    + "not within the heartbeat: its TCP state cannot be read here (" + e + ")");
            state = null;
        }
        this.tcp = state;
    }

    /**
     * How often the watch asks: a fifth of the silence allowed, at least every 3 s (one look costs ~1.6 µs a
     * socket here: 30 ms for a node's 19,000, docs/BENCHMARKS.md).
     */
    long checkMillis() {
        return Math.min(3000, silenceMillis / 5);
    }

    /**
     * 0 to {@code range} seconds, picked per socket. Streams that got the same last event go quiet together, and
     * the kernel fires keepalive timers in batches (a quarter second at this range): 15,000 probes at once overflow
     * the queue of packets waiting to be received (1,000 on loopback), the dropped ones count as unanswered, and
     * healthy clients were given up (1,433 of 15,000 in one run). Spread over seconds, a batch stays small.
     */
    private static int spread(int range) {
        return range <= 0 ? 0 : ThreadLocalRandom.current().nextInt(range + 1);
    }

    /**
     * Prepares a stream's socket: keepalive on, and its descriptor for {@link #vanished}; {@code -1} when it
     * cannot be read (then only keepalive applies). A failure leaves the socket as it was.
     */
    int watch(SocketChannel channel) {
        try {
            channel.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
            channel.setOption(ExtendedSocketOptions.TCP_KEEPIDLE, idleSeconds + spread(maxIdleSeconds - idleSeconds));
            channel.setOption(ExtendedSocketOptions.TCP_KEEPINTERVAL, Math.max(1, probeSeconds - 1 + spread(2)));
            channel.setOption(ExtendedSocketOptions.TCP_KEEPCOUNT, PROBES);
        } catch (IOException | UnsupportedOperationException e) {
            if (!keepaliveFailed) {
                keepaliveFailed = true;
                LOG.log(Level.INFO, "TCP keepalive could not be set on stream sockets", e);
            }
        }
        if (tcp == null) {
            return -1;
        }
        try {
            return TcpState.descriptor(channel);
        } catch (ReflectiveOperationException | RuntimeException e) {
            if (!descriptorFailed) {
                descriptorFailed = true;
                LOG.log(Level.INFO, "A stream socket's descriptor cannot be read (is java.base/sun.nio.ch opened?): "
                        + "clients that vanish with data in flight are given up by the kernel's retry limit", e);
            }
            return -1;
        }
    }

    /**
     * Whether the client of this open socket has left data or a probe unanswered for longer than allowed, as this
     * look and the earlier ones at the same socket ({@code silence}) see it.
     */
    boolean vanished(int descriptor, Silence silence) {
        if (tcp == null || descriptor < 0) {
            return false;
        }
        try {
            long unanswered = tcp.unansweredMillis(descriptor);
            return silence.exceeds(unanswered, System.nanoTime() / 1_000_000, silenceMillis);
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable e) {
            LOG.log(Level.FINE, "TCP_INFO", e);
            return false;
        }
    }

    @Override
    public String toString() {
        return "keepalive after " + idleSeconds + " s idle, " + PROBES + " probes " + probeSeconds + " s apart (per socket "
                + idleSeconds + "-" + maxIdleSeconds + " s idle, probes " + Math.max(1, probeSeconds - 1) + "-"
                + (probeSeconds + 1) + " s apart, so quiet streams' probes do not leave together); "
                + (tcp == null ? "no TCP state (keepalive alone)"
                        : "given up after " + silenceMillis + " ms unanswered, the same wait seen for " + silenceMillis / 2 + " ms");
    }
}
