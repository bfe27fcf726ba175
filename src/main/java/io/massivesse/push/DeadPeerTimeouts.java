package io.massivesse.push;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.reflect.Method;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
import java.util.logging.Level;
import java.util.logging.Logger;

import jdk.net.ExtendedSocketOptions;

/**
 * Makes the kernel give up on a client that vanished without a FIN or a reset (a phone out of coverage, a pulled
 * cable) within one heartbeat interval, so its socket reports an error the close watch sees. Two settings per
 * socket: keepalive probes on a quiet connection (idle a quarter of the interval, then probes a tenth apart), and
 * {@code TCP_USER_TIMEOUT} of half the interval, which bounds how long written data (a heartbeat, an event) may
 * stay unacknowledged. Without the latter a write to a vanished client is retried by the kernel for ~15 minutes
 * (Linux's {@code tcp_retries2}), and keepalive is not used while data is unacknowledged.
 *
 * <p>Java has no option for {@code TCP_USER_TIMEOUT}: it is set with {@code setsockopt} through the foreign
 * function API (Java 22+), reached by reflection since the application is compiled for Java 17, on the socket's
 * descriptor (which needs {@code --add-opens java.base/sun.nio.ch=ALL-UNNAMED}, in jvm.options). Where either is
 * missing, keepalive alone applies (a quiet client is still found) and one message says so.
 */
final class DeadPeerTimeouts {

    private static final Logger LOG = Logger.getLogger(DeadPeerTimeouts.class.getName());
    /** Linux: {@code IPPROTO_TCP} and {@code TCP_USER_TIMEOUT}. */
    private static final int IPPROTO_TCP = 6;
    private static final int TCP_USER_TIMEOUT = 18;

    private final int idleSeconds;
    private final int probeSeconds;
    private final int probes;
    private final int userTimeoutMillis;
    /** {@code setsockopt(int, int, int, const void*, socklen_t)}, or null when unavailable. */
    private volatile MethodHandle setsockopt;
    /** The socket's descriptor, from the channel's own class (found on the first socket). */
    private volatile Method descriptor;
    /** The timeout as a native int, made once: setsockopt copies it. */
    private final Object timeoutValue;
    private volatile boolean keepaliveFailed;

    DeadPeerTimeouts(int heartbeatSeconds) {
        this.idleSeconds = Math.max(1, heartbeatSeconds / 4);
        this.probeSeconds = Math.max(1, heartbeatSeconds / 10);
        this.probes = 5;
        this.userTimeoutMillis = Math.max(1000, heartbeatSeconds * 500);
        MethodHandle handle = null;
        Object value = null;
        try {
            Class<?> linkerType = Class.forName("java.lang.foreign.Linker");
            Class<?> layoutType = Class.forName("java.lang.foreign.MemoryLayout");
            Class<?> descriptorType = Class.forName("java.lang.foreign.FunctionDescriptor");
            Class<?> valueLayouts = Class.forName("java.lang.foreign.ValueLayout");
            Object linker = linkerType.getMethod("nativeLinker").invoke(null);
            Object lookup = linkerType.getMethod("defaultLookup").invoke(linker);
            Object symbol = ((java.util.Optional<?>) Class.forName("java.lang.foreign.SymbolLookup")
                    .getMethod("find", String.class).invoke(lookup, "setsockopt"))
                    .orElseThrow(() -> new IllegalStateException("no setsockopt"));
            Object javaInt = valueLayouts.getField("JAVA_INT").get(null);
            Object address = valueLayouts.getField("ADDRESS").get(null);
            Object layouts = java.lang.reflect.Array.newInstance(layoutType, 5);
            Object[] arguments = {javaInt, javaInt, javaInt, address, javaInt};
            for (int i = 0; i < arguments.length; i++) {
                java.lang.reflect.Array.set(layouts, i, arguments[i]);
            }
            Object signature = descriptorType.getMethod("of", layoutType, layouts.getClass()).invoke(null, javaInt, layouts);
            Class<?> segmentType = Class.forName("java.lang.foreign.MemorySegment");
            Class<?> optionType = Class.forName("java.lang.foreign.Linker$Option");
            Object noOptions = java.lang.reflect.Array.newInstance(optionType, 0);
            handle = (MethodHandle) linkerType.getMethod("downcallHandle", segmentType, descriptorType, noOptions.getClass())
                    .invoke(linker, symbol, signature, noOptions);
            Class<?> arenaType = Class.forName("java.lang.foreign.Arena");
            Object arena = arenaType.getMethod("global").invoke(null);
            value = Class.forName("java.lang.foreign.SegmentAllocator").getMethod("allocate", long.class).invoke(arena, 4L);
            segmentType.getMethod("set", Class.forName("java.lang.foreign.ValueLayout$OfInt"), long.class, int.class)
                    .invoke(value, javaInt, 0L, userTimeoutMillis);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            LOG.info("Clients that vanish with data unacknowledged are given up by the kernel's retry limit, not within "
                    + "the heartbeat: TCP_USER_TIMEOUT cannot be set here (" + e + ")");
            handle = null;
        }
        this.setsockopt = handle;
        this.timeoutValue = value;
    }

    /** Applies both settings to a stream's socket; a failure leaves the socket as it was. */
    void apply(SocketChannel channel) {
        try {
            channel.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
            channel.setOption(ExtendedSocketOptions.TCP_KEEPIDLE, idleSeconds);
            channel.setOption(ExtendedSocketOptions.TCP_KEEPINTERVAL, probeSeconds);
            channel.setOption(ExtendedSocketOptions.TCP_KEEPCOUNT, probes);
        } catch (IOException | UnsupportedOperationException e) {
            if (!keepaliveFailed) {
                keepaliveFailed = true;
                LOG.log(Level.INFO, "TCP keepalive could not be set on stream sockets", e);
            }
        }
        MethodHandle set = setsockopt;
        if (set == null) {
            return;
        }
        try {
            Method fd = descriptor;
            if (fd == null) {
                fd = channel.getClass().getMethod("getFDVal");
                fd.setAccessible(true);
                descriptor = fd;
            }
            int result = (int) set.invokeWithArguments((int) fd.invoke(channel), IPPROTO_TCP, TCP_USER_TIMEOUT, timeoutValue, 4);
            if (result != 0) {
                LOG.fine(() -> "setsockopt(TCP_USER_TIMEOUT) returned " + result);
            }
        } catch (Throwable e) {
            setsockopt = null;
            LOG.info("Clients that vanish with data unacknowledged are given up by the kernel's retry limit, not within "
                    + "the heartbeat: TCP_USER_TIMEOUT cannot be set (" + e + ")");
        }
    }

    @Override
    public String toString() {
        return "keepalive after " + idleSeconds + " s idle, " + probes + " probes " + probeSeconds + " s apart; "
                + (setsockopt == null ? "no user timeout" : "unacknowledged data given up after " + userTimeoutMillis + " ms");
    }
}
