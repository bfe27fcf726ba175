package io.massivesse.push;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodType;
import java.lang.reflect.Array;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SocketChannel;
import java.util.Optional;

/**
 * Reads what the kernel knows of a TCP connection ({@code getsockopt(TCP_INFO)}, Linux): whether anything written
 * waits for the peer, and how long ago the peer last acknowledged anything. Java has no API for it: the call goes
 * through the foreign function API (Java 22+), reached by reflection since the application is compiled for
 * Java 17, on the socket's descriptor (which needs {@code --add-opens java.base/sun.nio.ch=ALL-UNNAMED}, set in
 * jvm.options). Not thread-safe: one buffer, used by one thread.
 */
final class TcpState {

    /** Linux: {@code IPPROTO_TCP}, {@code TCP_INFO}. */
    private static final int IPPROTO_TCP = 6;
    private static final int TCP_INFO = 11;
    /** Offsets in {@code struct tcp_info} (stable since Linux 2.6). */
    private static final int PROBES = 3;
    private static final int UNACKED = 24;
    private static final int LAST_ACK_RECEIVED = 56;
    private static final int SIZE = 104;

    private final Object info;
    private final Object length;
    private final ByteBuffer infoBytes;
    private final ByteBuffer lengthBytes;

    private TcpState(Object info, Object length, ByteBuffer infoBytes, ByteBuffer lengthBytes) {
        this.info = info;
        this.length = length;
        this.infoBytes = infoBytes;
        this.lengthBytes = lengthBytes;
    }

    /**
     * {@code getsockopt(int, int, int, void*, socklen_t*)}, typed (int, int, int, Object, Object) int, in a
     * constant: a handle in a field is checked on every call (a tenth of the look's time at 16,000 sockets).
     */
    private static final class Native {
        static final MethodHandle GETSOCKOPT;
        static final ReflectiveOperationException FAILURE;

        static {
            MethodHandle handle = null;
            ReflectiveOperationException failure = null;
            try {
                handle = link();
            } catch (ReflectiveOperationException e) {
                failure = e;
            }
            GETSOCKOPT = handle;
            FAILURE = failure;
        }
    }

    /** The reader; throws where this JVM cannot call the kernel (before Java 22, not Linux, native access refused). */
    static TcpState open() throws ReflectiveOperationException {
        if (Native.GETSOCKOPT == null) {
            throw Native.FAILURE;
        }
        Object arena = Class.forName("java.lang.foreign.Arena").getMethod("global").invoke(null);
        Class<?> segmentType = Class.forName("java.lang.foreign.MemorySegment");
        Method allocate = Class.forName("java.lang.foreign.SegmentAllocator").getMethod("allocate", long.class);
        Method asByteBuffer = segmentType.getMethod("asByteBuffer");
        Object info = allocate.invoke(arena, (long) SIZE);
        Object length = allocate.invoke(arena, 4L);
        return new TcpState(info, length,
                ((ByteBuffer) asByteBuffer.invoke(info)).order(ByteOrder.nativeOrder()),
                ((ByteBuffer) asByteBuffer.invoke(length)).order(ByteOrder.nativeOrder()));
    }

    private static MethodHandle link() throws ReflectiveOperationException {
        Class<?> linkerType = Class.forName("java.lang.foreign.Linker");
        Class<?> layoutType = Class.forName("java.lang.foreign.MemoryLayout");
        Class<?> valueLayouts = Class.forName("java.lang.foreign.ValueLayout");
        Class<?> segmentType = Class.forName("java.lang.foreign.MemorySegment");
        Class<?> descriptorType = Class.forName("java.lang.foreign.FunctionDescriptor");
        Class<?> optionType = Class.forName("java.lang.foreign.Linker$Option");
        Object linker = linkerType.getMethod("nativeLinker").invoke(null);
        Object lookup = linkerType.getMethod("defaultLookup").invoke(linker);
        Object symbol = ((Optional<?>) Class.forName("java.lang.foreign.SymbolLookup")
                .getMethod("find", String.class).invoke(lookup, "getsockopt"))
                .orElseThrow(() -> new NoSuchMethodException("getsockopt"));
        Object javaInt = valueLayouts.getField("JAVA_INT").get(null);
        Object address = valueLayouts.getField("ADDRESS").get(null);
        Object arguments = Array.newInstance(layoutType, 5);
        Object[] layouts = {javaInt, javaInt, javaInt, address, address};
        for (int i = 0; i < layouts.length; i++) {
            Array.set(arguments, i, layouts[i]);
        }
        Object signature = descriptorType.getMethod("of", layoutType, arguments.getClass()).invoke(null, javaInt, arguments);
        Object noOptions = Array.newInstance(optionType, 0);
        MethodHandle handle = (MethodHandle) linkerType
                .getMethod("downcallHandle", segmentType, descriptorType, noOptions.getClass())
                .invoke(linker, symbol, signature, noOptions);
        return handle.asType(MethodType.methodType(int.class, int.class, int.class, int.class, Object.class, Object.class));
    }

    /** The socket's descriptor, from its channel's own class (needs the module opened to this code). */
    static int descriptor(SocketChannel channel) throws ReflectiveOperationException {
        Method fd = channel.getClass().getMethod("getFDVal");
        fd.setAccessible(true);
        return (int) fd.invoke(channel);
    }

    /**
     * How long (ms) the peer has left unanswered what waits for it: written data not yet acknowledged, or probes
     * (keepalive, zero window) not yet answered. {@code -1} when nothing waits for the peer or the kernel cannot
     * tell. A peer that is alive answers at once, whether or not its application reads: its kernel acknowledges
     * data and answers probes, also with a full receive window.
     */
    long unansweredMillis(int descriptor) throws Throwable {
        lengthBytes.putInt(0, SIZE);
        int result = (int) Native.GETSOCKOPT.invokeExact(descriptor, IPPROTO_TCP, TCP_INFO, info, length);
        if (result != 0 || lengthBytes.getInt(0) < LAST_ACK_RECEIVED + 4) {
            return -1;
        }
        return unanswered(infoBytes.get(PROBES) & 0xff, infoBytes.getInt(UNACKED),
                Integer.toUnsignedLong(infoBytes.getInt(LAST_ACK_RECEIVED)));
    }

    /** The rule on the kernel's figures, apart for a test. */
    static long unanswered(int probesOut, int unacked, long millisSinceAck) {
        return probesOut > 0 || unacked > 0 ? millisSinceAck : -1;
    }
}
