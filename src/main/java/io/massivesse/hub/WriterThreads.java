package io.massivesse.hub;

import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.logging.Logger;

/**
 * Threads that drain subscriber queues. Every socket write on Liberty blocks, so a stalled
 * client must only ever hold a thread that costs nothing: a virtual thread. Before Java 24 a
 * virtual thread blocked inside Liberty's synchronized write pins its carrier
 * (docs/DESIGN.md), so older runtimes fall back to platform threads and say so.
 */
final class WriterThreads {

    private static final Logger LOG = Logger.getLogger(WriterThreads.class.getName());

    private WriterThreads() {
    }

    static Executor create() {
        int feature = Runtime.version().feature();
        if (feature >= 24) {
            try {
                // Compiled for Java 17, so the Java 21 builder API is reached reflectively.
                Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
                Class<?> builderType = Class.forName("java.lang.Thread$Builder");
                // One fixed name: numbering each short-lived writer would cost a string per burst.
                builder = builderType.getMethod("name", String.class).invoke(builder, "sse-writer");
                ThreadFactory factory = (ThreadFactory) builderType.getMethod("factory").invoke(builder);
                LOG.info("SSE writers run on virtual threads (Java " + feature + ")");
                return task -> factory.newThread(task).start();
            } catch (ReflectiveOperationException e) {
                LOG.warning("Virtual threads unavailable (" + e + "); using platform threads");
            }
        } else {
            LOG.warning("Java " + feature + ": SSE writers use platform threads, and each stalled client holds one "
                    + "until the write timeout. Run the server on Java 24 or later (scripts/java-home.sh finds one).");
        }
        ThreadFactory platform = Executors.defaultThreadFactory();
        return Executors.newCachedThreadPool(task -> {
            Thread thread = platform.newThread(task);
            thread.setDaemon(true);
            thread.setName("sse-writer-" + thread.getId());
            return thread;
        });
    }
}
