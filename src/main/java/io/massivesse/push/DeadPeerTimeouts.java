package io.massivesse.push;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
import java.util.logging.Level;
import java.util.logging.Logger;

import jdk.net.ExtendedSocketOptions;

/**
 * Makes the kernel give up on a quiet client that vanished without a FIN or a reset (a phone out of coverage, a
 * pulled cable) within one heartbeat interval, so its socket reports an error the close watch sees: keepalive
 * probes after a quarter of the interval idle, five probes a tenth of it apart (22 s at the default 30 s).
 *
 * <p>Keepalive is not used while written data is unacknowledged, so a vanished client with a heartbeat or an
 * event in flight is still given up only by the kernel's retransmission limit (Linux: {@code tcp_retries2},
 * ~15 minutes) or by the slow-consumer rule. {@code TCP_USER_TIMEOUT} would bound that, but it also resets a
 * client that is alive and not reading (zero window) after the same time, overriding the slow-consumer rule:
 * tried and taken out (docs/DESIGN.md, "A connection's end").
 */
final class DeadPeerTimeouts {

    private static final Logger LOG = Logger.getLogger(DeadPeerTimeouts.class.getName());
    private static final int PROBES = 5;

    private final int idleSeconds;
    private final int probeSeconds;
    private volatile boolean failed;

    DeadPeerTimeouts(int heartbeatSeconds) {
        this.idleSeconds = Math.max(1, heartbeatSeconds / 4);
        this.probeSeconds = Math.max(1, heartbeatSeconds / 10);
    }

    /** Applies the keepalive settings to a stream's socket; a failure leaves the socket as it was. */
    void apply(SocketChannel channel) {
        try {
            channel.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
            channel.setOption(ExtendedSocketOptions.TCP_KEEPIDLE, idleSeconds);
            channel.setOption(ExtendedSocketOptions.TCP_KEEPINTERVAL, probeSeconds);
            channel.setOption(ExtendedSocketOptions.TCP_KEEPCOUNT, PROBES);
        } catch (IOException | UnsupportedOperationException e) {
            if (!failed) {
                failed = true;
                LOG.log(Level.INFO, "TCP keepalive could not be set on stream sockets", e);
            }
        }
    }

    @Override
    public String toString() {
        return "keepalive after " + idleSeconds + " s idle, " + PROBES + " probes " + probeSeconds + " s apart";
    }
}
