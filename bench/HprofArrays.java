import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.FileInputStream;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * Byte arrays in a heap dump (HPROF, as `jcmd GC.heap_dump` writes it) by length: how many of each length
 * and how many bytes they take, the largest totals first. Says whether a heap's byte arrays are a few
 * buffers of one size or many small strings (docs/BENCHMARKS.md, issue 16).
 *
 *   java bench/HprofArrays.java target/bench/idle.hprof [TOP=15]
 */
public final class HprofArrays {

    private static final int HEAP_DUMP = 0x0C;
    private static final int HEAP_DUMP_SEGMENT = 0x1C;
    private static final int BYTE_TYPE = 8;

    public static void main(String[] args) throws IOException {
        int top = args.length > 1 ? Integer.parseInt(args[1]) : 15;
        Map<Integer, long[]> byLength = new HashMap<>();
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(new FileInputStream(args[0]), 1 << 20))) {
            while (in.readByte() != 0) {
                // the format name, up to its NUL
            }
            int idSize = in.readInt();
            in.readLong(); // time stamp
            while (true) {
                int tag;
                try {
                    tag = in.readUnsignedByte();
                } catch (EOFException end) {
                    break;
                }
                in.readInt(); // time offset
                long length = in.readInt() & 0xffffffffL;
                if (tag == HEAP_DUMP || tag == HEAP_DUMP_SEGMENT) {
                    segment(in, length, idSize, byLength);
                } else {
                    in.skipNBytes(length);
                }
            }
        }
        long total = byLength.values().stream().mapToLong(v -> v[1]).sum();
        long count = byLength.values().stream().mapToLong(v -> v[0]).sum();
        System.out.printf("%,d byte arrays, %,d bytes; by length, the largest totals first:%n", count, total);
        byLength.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue()[1], a.getValue()[1])).limit(top)
                .forEach(e -> System.out.printf("  length %,8d: %,9d arrays, %,13d bytes (%.1f%%)%n",
                        e.getKey(), e.getValue()[0], e.getValue()[1], 100.0 * e.getValue()[1] / total));
    }

    /** The sub-records of one heap dump segment; only primitive byte arrays are counted. */
    private static void segment(DataInputStream in, long length, int idSize, Map<Integer, long[]> byLength)
            throws IOException {
        long read = 0;
        while (read < length) {
            int sub = in.readUnsignedByte();
            read++;
            switch (sub) {
                case 0xFF -> read += skip(in, idSize);                       // root unknown
                case 0x01 -> read += skip(in, idSize * 2L);                  // root JNI global
                case 0x02, 0x03 -> read += skip(in, idSize + 8L);            // JNI local, Java frame
                case 0x04 -> read += skip(in, idSize + 4L);                  // native stack
                case 0x05, 0x07 -> read += skip(in, idSize);                 // sticky class, monitor used
                case 0x06 -> read += skip(in, idSize + 4L);                  // thread block
                case 0x08 -> read += skip(in, idSize + 8L);                  // thread object
                case 0x20 -> read += classDump(in, idSize);
                case 0x21 -> {                                               // instance
                    skip(in, idSize + 4L + idSize);
                    int bytes = in.readInt();
                    in.skipNBytes(bytes);
                    read += idSize * 2L + 8 + bytes;
                }
                case 0x22 -> {                                               // object array
                    skip(in, idSize + 4L);
                    int elements = in.readInt();
                    skip(in, idSize + (long) elements * idSize);
                    read += idSize + 8L + idSize + (long) elements * idSize;
                }
                case 0x23 -> {                                               // primitive array
                    skip(in, idSize + 4L);
                    int elements = in.readInt();
                    int type = in.readUnsignedByte();
                    int size = switch (type) {
                        case 4, 8 -> 1;   // boolean, byte
                        case 5, 9 -> 2;   // char, short
                        case 6, 10 -> 4;  // float, int
                        default -> 8;     // double, long
                    };
                    in.skipNBytes((long) elements * size);
                    if (type == BYTE_TYPE) {
                        long[] entry = byLength.computeIfAbsent(elements, e -> new long[2]);
                        entry[0]++;
                        entry[1] += elements;
                    }
                    read += idSize + 9L + (long) elements * size;
                }
                default -> throw new IOException("unknown heap dump sub-record 0x" + Integer.toHexString(sub));
            }
        }
    }

    private static long classDump(DataInputStream in, int idSize) throws IOException {
        // class, stack trace serial, super class, loader, signers, protection domain, two reserved ids
        long read = skip(in, idSize * 7L + 4);
        read += 4;
        in.readInt(); // instance size
        int constants = in.readUnsignedShort();
        read += 2;
        for (int i = 0; i < constants; i++) {
            in.readUnsignedShort();
            read += 2 + value(in, idSize);
        }
        int statics = in.readUnsignedShort();
        read += 2;
        for (int i = 0; i < statics; i++) {
            skip(in, idSize);
            read += idSize + value(in, idSize);
        }
        int fields = in.readUnsignedShort();
        read += 2;
        read += skip(in, (long) fields * (idSize + 1));
        return read;
    }

    /** A type byte and its value; returns the bytes read. */
    private static long value(DataInputStream in, int idSize) throws IOException {
        int type = in.readUnsignedByte();
        int size = switch (type) {
            case 2 -> idSize;
            case 4, 8 -> 1;
            case 5, 9 -> 2;
            case 6, 10 -> 4;
            default -> 8;
        };
        in.skipNBytes(size);
        return 1 + size;
    }

    private static long skip(DataInputStream in, long bytes) throws IOException {
        in.skipNBytes(bytes);
        return bytes;
    }
}
