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
 *   java bench/HprofArrays.java target/bench/idle.hprof [TOP=15] [REFERRERS_OF_LENGTH] [STEPS_UP=2]
 *
 * With a length, a second pass names the classes of the objects that refer to the arrays of that length
 * (an object field or an object array element holding one): who keeps them; a third pass does the same
 * for the objects of the class found most often (one step further up the chain).
 */
public final class HprofArrays {

    private static final int HEAP_DUMP = 0x0C;
    private static final int HEAP_DUMP_SEGMENT = 0x1C;
    private static final int BYTE_TYPE = 8;

    /** Ids of the arrays whose referrers are wanted (an open-addressing set: a pass looks up every 8 bytes). */
    private static long[] wanted = new long[0];
    private static int wantedLength = -1;
    private static final Map<Long, String> CLASS_NAMES = new HashMap<>();
    private static final Map<Long, String> STRINGS = new HashMap<>();
    private static final Map<String, long[]> REFERRERS = new HashMap<>();
    private static boolean secondPass;

    public static void main(String[] args) throws IOException {
        int top = args.length > 1 ? Integer.parseInt(args[1]) : 15;
        wantedLength = args.length > 2 ? Integer.parseInt(args[2]) : -1;
        Map<Integer, long[]> byLength = pass(args[0]);
        if (wantedLength >= 0) {
            secondPass = true;
            pass(args[0]);
            System.out.printf("referrers of the %,d-byte arrays, by class:%n", wantedLength);
            String topReferrer = printReferrers(top);
            int steps = args.length > 3 ? Integer.parseInt(args[3]) : 2;
            for (int step = 1; step < steps; step++) {
                // One step up: who holds the objects of the most frequent referrer class.
                FOUND.clear();
                FOUND.addAll(REFERRER_IDS.getOrDefault(topReferrer, java.util.List.of()));
                REFERRERS.clear();
                REFERRER_IDS.clear();
                pass(args[0]);
                System.out.printf("referrers of those %s objects, by class:%n", topReferrer);
                topReferrer = printReferrers(top, topReferrer);
            }
        }
        print(byLength, top);
    }

    private static final java.util.List<Long> FOUND = new java.util.ArrayList<>();
    /** The ids of the referring objects, by class, for the next step up. */
    private static final Map<String, java.util.List<Long>> REFERRER_IDS = new HashMap<>();

    private static String printReferrers(int top) {
        return printReferrers(top, null);
    }

    /** Prints the referrers by class; returns the most frequent one other than {@code current} (objects of a class often hold each other). */
    private static String printReferrers(int top, String current) {
        REFERRERS.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue()[0], a.getValue()[0])).limit(top)
                .forEach(e -> System.out.printf("  %,9d  %s%n", e.getValue()[0], e.getKey()));
        return REFERRERS.entrySet().stream().filter(e -> !e.getKey().equals(current))
                .max((a, b) -> Long.compare(a.getValue()[0], b.getValue()[0]))
                .map(Map.Entry::getKey).orElse("?");
    }

    private static Map<Integer, long[]> pass(String file) throws IOException {
        Map<Integer, long[]> byLength = new HashMap<>();
        if (secondPass) {
            int capacity = Integer.highestOneBit(Math.max(16, FOUND.size() * 4)) * 2;
            wanted = new long[capacity];
            for (long id : FOUND) {
                int slot = (int) (mix(id) & (capacity - 1));
                while (wanted[slot] != 0) {
                    slot = (slot + 1) & (capacity - 1);
                }
                wanted[slot] = id;
            }
        }
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(new FileInputStream(file), 1 << 20))) {
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
                } else if (tag == 0x01 && !secondPass) {                // a UTF-8 string
                    long id = readId(in, idSize);
                    byte[] text = in.readNBytes((int) (length - idSize));
                    STRINGS.put(id, new String(text, java.nio.charset.StandardCharsets.UTF_8));
                } else if (tag == 0x02 && !secondPass) {                // a loaded class and its name
                    in.readInt();
                    long classId = readId(in, idSize);
                    in.readInt();
                    CLASS_NAMES.put(classId, STRINGS.getOrDefault(readId(in, idSize), "?"));
                } else {
                    in.skipNBytes(length);
                }
            }
        }
        return byLength;
    }

    private static long readId(DataInputStream in, int idSize) throws IOException {
        return idSize == 8 ? in.readLong() : in.readInt() & 0xffffffffL;
    }

    private static long mix(long id) {
        long h = id * 0x9E3779B97F4A7C15L;
        return h ^ (h >>> 29);
    }

    private static boolean isWanted(long id) {
        if (wanted.length == 0 || id == 0) {
            return false;
        }
        int slot = (int) (mix(id) & (wanted.length - 1));
        while (wanted[slot] != 0) {
            if (wanted[slot] == id) {
                return true;
            }
            slot = (slot + 1) & (wanted.length - 1);
        }
        return false;
    }

    /** Counts a referrer of class {@code classId} if any id-sized window of {@code data} is a wanted array. */
    private static void scan(byte[] data, int idSize, long classId, boolean isArray, long objectId) {
        for (int i = 0; i + idSize <= data.length; i += isArray ? idSize : 1) {
            long value = 0;
            for (int b = 0; b < idSize; b++) {
                value = (value << 8) | (data[i + b] & 0xff);
            }
            if (isWanted(value)) {
                String name = CLASS_NAMES.getOrDefault(classId, "?") + (isArray ? " (array element)" : "");
                REFERRERS.computeIfAbsent(name, n -> new long[1])[0]++;
                REFERRER_IDS.computeIfAbsent(name, n -> new java.util.ArrayList<>()).add(objectId);
                return;
            }
        }
    }

    private static void print(Map<Integer, long[]> byLength, int top) {
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
                    long objectId = readId(in, idSize);
                    in.readInt();
                    long classId = readId(in, idSize);
                    int bytes = in.readInt();
                    if (secondPass) {
                        scan(in.readNBytes(bytes), idSize, classId, false, objectId);
                    } else {
                        in.skipNBytes(bytes);
                    }
                    read += idSize * 2L + 8 + bytes;
                }
                case 0x22 -> {                                               // object array
                    long objectId = readId(in, idSize);
                    in.readInt();
                    int elements = in.readInt();
                    long classId = readId(in, idSize);
                    if (secondPass) {
                        scan(in.readNBytes(elements * idSize), idSize, classId, true, objectId);
                    } else {
                        skip(in, (long) elements * idSize);
                    }
                    read += idSize + 8L + idSize + (long) elements * idSize;
                }
                case 0x23 -> {                                               // primitive array
                    long arrayId = readId(in, idSize);
                    in.readInt();
                    int elements = in.readInt();
                    int type = in.readUnsignedByte();
                    int size = switch (type) {
                        case 4, 8 -> 1;   // boolean, byte
                        case 5, 9 -> 2;   // char, short
                        case 6, 10 -> 4;  // float, int
                        default -> 8;     // double, long
                    };
                    in.skipNBytes((long) elements * size);
                    if (type == BYTE_TYPE && elements == wantedLength && !secondPass) {
                        FOUND.add(arrayId);
                    }
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
