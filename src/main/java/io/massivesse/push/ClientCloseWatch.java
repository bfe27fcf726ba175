package io.massivesse.push;

import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.IllegalBlockingModeException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.ServletResponseWrapper;

import io.massivesse.hub.Hub;

/**
 * Notices at once when a client closes (FIN) or resets (RST) the socket of its event stream. Liberty posts no
 * read on a connection whose response is still being written, so without this a closed client is found only by
 * the next write to it (up to a heartbeat interval later). One selector thread keeps a read interest on every
 * stream's socket, as nginx and Netty do, and ends the stream when the socket reads end-of-file or fails.
 *
 * <p>The same thread asks the kernel, every second or so, whether a client has vanished without a FIN or a
 * reset (its socket never fails by itself then): see {@link VanishedClients}.
 *
 * <p>The socket is reached through Liberty's connection objects by field name (Liberty has no API for it).
 * When that path is not there (another Liberty version, another writer), streams are watched by the heartbeat
 * only, and one warning says so. Only HTTP/1.x connections are watched: an HTTP/2 socket carries other streams.
 */
@ApplicationScoped
public class ClientCloseWatch {

    private static final Logger LOG = Logger.getLogger(ClientCloseWatch.class.getName());
    /**
     * How long a select waits at most: a socket Liberty closes is released only when every selector it is
     * registered with has selected again, so this bounds how long a closed socket's descriptor outlives it.
     */
    private static final long SELECT_MILLIS = 100;
    private static final Runnable NOTHING = () -> { };
    /** The fields on the way to the socket (or their absence), by class: the same few classes for every connection. */
    private static final Map<Class<?>, Map<String, Optional<Field>>> FIELDS = new ConcurrentHashMap<>();

    @Inject
    Hub hub;

    private VanishedClients vanished;
    private volatile Selector selector;
    private Thread thread;
    private volatile boolean warned;
    /** Sockets whose read failed since the last look (the selector thread's own count). */
    private int failedReads;
    /** Only the selector thread reads, into this: what it reads is dropped. */
    private final ByteBuffer scratch = ByteBuffer.allocateDirect(64);

    @PostConstruct
    void start() {
        vanished = new VanishedClients(hub.settings().heartbeatSeconds());
        LOG.info("Closed clients are watched for; vanished ones: " + vanished);
        try {
            selector = Selector.open();
        } catch (IOException e) {
            warn("no selector: " + e.getMessage());
            return;
        }
        thread = new Thread(this::run, "sse-client-close");
        thread.setDaemon(true);
        thread.start();
    }

    @PreDestroy
    void stop() {
        Selector open = selector;
        selector = null;
        if (open != null) {
            open.wakeup();
            try {
                thread.join(1000);
                open.close();
            } catch (IOException | InterruptedException e) {
                LOG.log(Level.FINE, "closing the selector", e);
            }
        }
    }

    /**
     * The TCP socket of this HTTP/1.x response, or null: another protocol (an HTTP/2 socket carries other streams),
     * or Liberty's objects are not the ones this reads (then one warning says so).
     */
    public SocketChannel socketOf(ServletResponse response, String protocol) {
        if (protocol == null || !protocol.startsWith("HTTP/1")) {
            return null;
        }
        return channelOf(response);
    }

    /**
     * Runs {@code onClose} (once, on the watch's thread) when the client closes or resets this socket of a
     * response ({@link #socketOf}). Returns what stops the watch (call it when the stream ends for another reason);
     * the watch stops by itself when the socket closes.
     */
    public Runnable watch(SocketChannel channel, Runnable onClose) {
        Selector open = selector;
        if (open == null) {
            return NOTHING;
        }
        try {
            int descriptor = vanished.watch(channel);
            SelectionKey key = channel.register(open, SelectionKey.OP_READ, new Watched(onClose, descriptor, new Silence()));
            return key::cancel;
        } catch (ClosedChannelException gone) {
            onClose.run();
        } catch (IllegalBlockingModeException | IllegalArgumentException | CancelledKeyException e) {
            warn("the socket cannot be watched: " + e);
        } catch (RuntimeException e) {
            // ClosedSelectorException while the application stops: the drain ends the stream.
            LOG.log(Level.FINE, "not watched", e);
        }
        return NOTHING;
    }

    private void run() {
        Selector open;
        long nextCheck = System.nanoTime();
        while ((open = selector) != null) {
            try {
                open.select(this::ready, SELECT_MILLIS);
                if (System.nanoTime() - nextCheck >= 0) {
                    nextCheck = System.nanoTime() + vanished.checkMillis() * 1_000_000;
                    look(open);
                }
            } catch (IOException | RuntimeException | Error e) {
                // This one thread notices every close on the node: it must outlive whatever one pass throws,
                // and a failure that repeats must not become a busy loop.
                if (selector != null) {
                    LOG.log(Level.WARNING, "watching for closed clients failed once", e);
                    pause();
                }
            }
        }
    }

    private static void pause() {
        try {
            Thread.sleep(SELECT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Asks the kernel about every watched socket and gives up the streams whose clients vanished. */
    private void look(Selector open) {
        int givenUp = 0;
        for (SelectionKey key : open.keys()) {
            Watched watched = (Watched) key.attachment();
            if (key.isValid() && vanished.vanished(watched.descriptor, watched.silence)) {
                end(key);
                givenUp++;
            }
        }
        // One line a look, not one a stream: which way clients went, all counted as client_gone.
        if (givenUp > 0 || failedReads > 0) {
            LOG.info("Since the last look: " + givenUp + " stream(s) given up as vanished, " + failedReads
                    + " socket(s) reset or timed out (keepalive)");
            failedReads = 0;
        }
    }

    /**
     * The socket is readable: end of file or an error is the client gone. Bytes are dropped and the watch goes on:
     * nothing a stream's client sends is read by anyone else (a TLS client's close_notify comes before its FIN).
     */
    private void ready(SelectionKey key) {
        int read;
        try {
            scratch.clear();
            read = ((SocketChannel) key.channel()).read(scratch);
        } catch (IOException | RuntimeException e) {
            read = -1;
            failedReads++;
        }
        if (read >= 0) {
            return;
        }
        end(key);
    }

    /** Ends a gone client's stream: a close never blocks (the hub applies it later), so no close holds up the next. */
    private static void end(SelectionKey key) {
        key.cancel();
        try {
            ((Watched) key.attachment()).onClose.run();
        } catch (RuntimeException | Error e) {
            LOG.log(Level.WARNING, "ending a gone client's stream failed", e);
        }
    }

    /**
     * What a watched socket carries: what ends its stream, its descriptor for the kernel's state (or -1), and what
     * the looks at that state have seen so far.
     */
    private record Watched(Runnable onClose, int descriptor, Silence silence) {
    }

    private SocketChannel channelOf(ServletResponse response) {
        ServletResponse unwrapped = response;
        while (unwrapped instanceof ServletResponseWrapper wrapper) {
            unwrapped = wrapper.getResponse();
        }
        try {
            Object link = field(field(unwrapped, "_response"), "tcc");
            // Over TLS the TCP link is the device below the SSL link.
            for (int hop = 0; hop < 3 && !has(link.getClass(), "socketIOChannel"); hop++) {
                link = field(link, "deviceServiceContext");
            }
            Object channel = field(field(link, "socketIOChannel"), "channel");
            if (channel instanceof SocketChannel socket) {
                return socket;
            }
            warn("the connection's socket is a " + channel.getClass().getName());
        } catch (ReflectiveOperationException | RuntimeException e) {
            warn("the connection's socket was not found (" + e + ")");
        }
        return null;
    }

    /** The named field's value (never null). */
    private static Object field(Object owner, String name) throws NoSuchFieldException, IllegalAccessException {
        Field field = fieldOf(owner.getClass(), name)
                .orElseThrow(() -> new NoSuchFieldException(owner.getClass().getName() + "." + name));
        Object value = field.get(owner);
        if (value == null) {
            throw new NoSuchFieldException(owner.getClass().getName() + "." + name + " is null");
        }
        return value;
    }

    private static boolean has(Class<?> type, String name) {
        return fieldOf(type, name).isPresent();
    }

    /** The field of this name declared by the class or a superclass, looked up once per class and name. */
    private static Optional<Field> fieldOf(Class<?> type, String name) {
        return FIELDS.computeIfAbsent(type, unused -> new ConcurrentHashMap<>()).computeIfAbsent(name, unused -> {
            for (Class<?> c = type; c != null; c = c.getSuperclass()) {
                for (Field field : c.getDeclaredFields()) {
                    if (field.getName().equals(name)) {
                        field.setAccessible(true);
                        return Optional.of(field);
                    }
                }
            }
            return Optional.empty();
        });
    }

    /** Once: the stream is watched by the heartbeat only. Other streams are still tried (another path may differ). */
    private void warn(String why) {
        if (!warned) {
            warned = true;
            LOG.warning("Some closed clients are noticed at the next write to them (the heartbeat), not at once: " + why);
        }
    }
}
