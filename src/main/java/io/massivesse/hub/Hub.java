package io.massivesse.hub;

import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.massivesse.event.SseFrames;
import io.massivesse.event.Topics;
import io.massivesse.event.Update;

/**
 * This node's connections and the fan-out of events to them: what every transition of a connection (subscribe,
 * topic change, close) adds and removes, under one dispatch lock, over the registry ({@link Connections}), the
 * topic index, the deadlines and the history; events go out through {@link FanOut}, time through
 * {@link StreamClock}, closes through {@link Departures}. Plain Java so the logic is unit-tested without a server;
 * the CDI wiring makes it a bean.
 *
 * <p>The dispatch lock is taken only by the threads that call the hub (request, relay, clock and departure
 * threads), never by one that runs inside a fan-out: a fan-out holds it while it waits for the pool's threads, so
 * one of those waiting for it would wait forever (docs/DESIGN.md, "Locks").
 */
public class Hub implements EventHandler {

    /** One INFO line per connect and disconnect; operators turn it off by this logger's level. */
    private static final Logger CONNECTIONS = Logger.getLogger("io.massivesse.connections");
    private static final Logger LOG = Logger.getLogger(Hub.class.getName());
    /** Named for those lines, so logging does not walk the stack to find the caller (it showed in connect profiles). */
    private static final String SOURCE = Hub.class.getName();

    /** Below this many users (or subscribers of a topic) a walk runs on the calling thread; above, over all cores. */
    private static final long PARALLEL_THRESHOLD = 2048;
    private static final Subscriber[] NO_SUBSCRIBERS = {};
    /** An overflowed stream's reconnect delay is one of this many steps across the spread, encoded once each. */
    private static final int RETRY_STEPS = 32;

    private final HubSettings settings;
    private final Executor writers;
    private final HubMetrics metrics;
    private final Connections connections;
    private final AtomicLong serials = new AtomicLong();
    /** Guarded by {@link #dispatch}. */
    private final TopicIndex topics = new TopicIndex(PARALLEL_THRESHOLD);
    /** {@link TopicIndex#activeTopics()} as of the last change, for metrics read without the lock. */
    private volatile int activeTopics;
    /** One event at a time, so every connection sees this node's events in the same order. */
    private final DispatchLock dispatch = new DispatchLock();
    /** Its history and recent ids are guarded by {@link #dispatch}. */
    private final FanOut fanOut;
    /** Streams that end at a given time (their token's expiry), ended by one tick a second. */
    private final Deadlines deadlines = new Deadlines();
    private final StreamClock clock;
    private final HubHistory history;
    /** Closed connections on their way out of the registry, applied by one thread of their own. */
    private final Departures departures;
    /** The last frames of overflowed streams: delays over {@code [retry, retry + the shutdown spread]}. */
    private final byte[][] overflowRetries = new byte[RETRY_STEPS][];
    /** When the event being fanned out now started, or 0 when none is: a stuck dispatch fails liveness. */
    private volatile long dispatchSinceNanos;
    private volatile ConnectionWatcher watcher = ConnectionWatcher.NONE;
    private volatile Seam seam = Seam.NONE;

    public Hub(HubSettings settings, HubMetrics metrics) {
        this(settings, WriterThreads.create(), metrics);
    }

    Hub(HubSettings settings, Executor writers, HubMetrics metrics) {
        this.settings = settings;
        this.writers = writers;
        this.metrics = metrics;
        this.connections = new Connections(settings, PARALLEL_THRESHOLD);
        this.fanOut = new FanOut(settings, connections, topics, metrics);
        this.history = new HubHistory(dispatch, fanOut.history());
        this.clock = new StreamClock(settings, connections, deadlines, () -> history.expire(System.currentTimeMillis()));
        this.departures = new Departures(this::unregister);
        for (int i = 0; i < RETRY_STEPS; i++) {
            overflowRetries[i] = SseFrames.retry(settings.retryMillis()
                    + (int) ((long) settings.shutdownSpreadMillis() * i / (RETRY_STEPS - 1)));
        }
    }

    public HubSettings settings() {
        return settings;
    }

    /** The one watcher told of every connection opened and closed from now on. */
    public void watch(ConnectionWatcher watcher) {
        this.watcher = watcher;
    }

    /**
     * Opens a subscriber for the user and registers it; the connected frame is its first. With a
     * {@code lastEventId}, what the user may see after it follows from the history, then live
     * events: replay and registration happen under the dispatch lock, so there is no gap and no
     * duplicate at the seam. Streams that cannot cover the gap are named first in {@code event: reset}.
     *
     * @param topics the topics the connection listens to besides the user's own events and broadcasts
     * @throws SubscribeRefusedException at this node's capacity, while it drains, or over the per-user limit
     */
    public Subscriber subscribe(String userId, EventStream stream, String lastEventId, Topics topics) {
        return subscribe(userId, stream, lastEventId, false, topics, 0);
    }

    /**
     * As above, for a stream that ends with {@code event: token-expired} at {@code endsAtMillis} (epoch ms; 0: never);
     * with {@code latest} and no {@code lastEventId}, the newest kept event of each of its topics follows connected.
     */
    public Subscriber subscribe(String userId, EventStream stream, String lastEventId, boolean latest, Topics topics,
                                long endsAtMillis) {
        // Before admit(): a refused lock must not cost a capacity slot.
        dispatch.lock();
        try {
            connections.admit();
        } catch (RuntimeException refused) {
            dispatch.unlock();
            throw refused;
        }
        Subscriber registered = null;
        Subscriber[] displaced = NO_SUBSCRIBERS;
        try {
            Subscriber subscriber = new Subscriber(userId, topics, serials.incrementAndGet(), stream, settings.bufferSize(),
                    writers, departures::add, () -> overflowRetries[ThreadLocalRandom.current().nextInt(RETRY_STEPS)], metrics,
                    endsAtMillis);
            // Queued before the subscriber becomes visible to deliver(): connected, replay, then live events.
            subscriber.prime(fanOut.firstFrames(subscriber, lastEventId, latest));
            displaced = connections.add(subscriber);
            registered = subscriber;
            // Visible now: a close from another thread (a replace elsewhere, a drain) is applied under this lock,
            // after this, and removes what is added here, so nothing is added after the connection has been forgotten.
            seam.reached(Seam.REGISTERED);
            if (!topics.isEmpty()) {
                this.topics.add(subscriber, topics);
                activeTopics = this.topics.activeTopics();
            }
            deadlines.add(subscriber);
            // Under the lock too: the watcher hears of the open before any close, or presence would count a user
            // whose connection ended before it was announced. Only an announced connection's close is told.
            watcher.opened(subscriber);
            subscriber.announced();
            metrics.connectionOpened();
        } catch (RuntimeException | Error failed) {
            // The caller gets no stream. Before registration nothing holds the slot admit() took; after it, closing
            // the connection gives back the slot and everything it holds (its departure, once this lock is free).
            if (registered == null) {
                connections.release();
            } else {
                registered.close(CloseReason.CLIENT_GONE);
            }
            replace(displaced, userId);
            throw failed;
        } finally {
            dispatch.unlock();
        }
        Subscriber subscriber = registered;
        CONNECTIONS.logp(Level.INFO, SOURCE, "subscribe", () -> "connect " + subscriber + " active=" + connections.active()
                + (lastEventId == null ? "" : " lastEventId=" + lastEventId));
        subscriber.start();
        replace(displaced, userId);
        return subscriber;
    }

    /** The connections a new one of the user displaced get {@code event: replaced} and end. */
    private static void replace(Subscriber[] displaced, String userId) {
        for (Subscriber old : displaced) {
            old.closeAfter(SseFrames.replaced(userId), CloseReason.REPLACED);
        }
    }

    @Override
    public long deliver(Update update) {
        byte[] frame = SseFrames.event(update);
        dispatch.lock();
        try {
            dispatchSinceNanos = System.nanoTime();
            return fanOut.deliver(update, frame);
        } finally {
            dispatchSinceNanos = 0;
            dispatch.unlock();
        }
    }

    /**
     * Changes the topics of the user's connections open on this node now: {@code added} ones join (up to
     * the per-connection limit), {@code removed} ones leave. The next event of a topic sees the change.
     */
    @Override
    public void changeTopics(String userId, List<String> added, List<String> removed) {
        dispatch.lock();
        try {
            for (Subscriber subscriber : connectionsOf(userId)) {
                if (subscriber.isClosed()) {
                    continue;
                }
                // A close from here on is applied after this lock is free, and removes the topics set here.
                seam.reached(Seam.TOPICS_CHECKED);
                Topics before = subscriber.topics();
                Topics after = before.changed(added, removed, settings.maxTopicsPerConnection());
                topics.remove(subscriber, before);
                topics.add(subscriber, after);
                subscriber.topics(after);
            }
            activeTopics = topics.activeTopics();
        } finally {
            dispatch.unlock();
        }
    }

    /**
     * The users of this node's connections that listen to the topic: for a name, every connection an event
     * published to it reaches (exact or through a prefix); for a prefix selector, those that asked for it.
     */
    public Set<String> listenersOf(String selector) {
        dispatch.lock();
        try {
            return topics.users(selector);
        } finally {
            dispatch.unlock();
        }
    }

    /** Topic names and prefixes at least one connection on this node listens to. */
    public int activeTopics() {
        return activeTopics;
    }

    /**
     * Another node says this user connected there at {@code openedAt}: under {@code replace}, this
     * node's older connections of the user get {@code event: replaced} and close. Equal times are
     * settled by node id, so exactly one connection survives.
     */
    public void replaceOlderThan(String userId, String node, long openedAt) {
        connections.replaceOlderThan(userId, node, openedAt);
    }

    /** Connections open on this node now. */
    public int activeConnections() {
        return connections.active();
    }

    /** The user's open connections on this node (a snapshot). */
    public List<Subscriber> connectionsOf(String userId) {
        return connections.of(userId);
    }

    /**
     * Starts draining: new subscribers are refused, and every stream ends with {@code event: server-shutdown}
     * carrying a {@code retry:} hint spread over {@code [retry, retry + spreadMillis]}, so clients do not
     * all reconnect in the same moment. Calling it again ends streams opened in between.
     */
    public void drain(int spreadMillis) {
        connections.drain(spreadMillis);
    }

    /** True from the start of a drain: readiness reports DOWN and subscribes are refused. */
    public boolean isDraining() {
        return connections.isDraining();
    }

    /** Ends every stream still open (no spread: the node is going) and stops the heartbeat. */
    public void shutdown() {
        drain(0);
        clock.stop();
        departures.stop();
    }

    /** Milliseconds since the last heartbeat tick ran: the hub's own clock for liveness. */
    public long millisSinceHeartbeat() {
        return clock.millisSinceBeat();
    }

    /** How long the event being fanned out now has been at it, 0 when none is. */
    public long dispatchBusyMillis() {
        long since = dispatchSinceNanos;
        return since == 0 ? 0 : TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - since);
    }

    /**
     * Takes closed connections out of the registry, the topic index and the deadlines, on the departures' thread
     * only. Under the dispatch lock, as everything that adds to them is: whatever order a close and a subscribe or
     * topic change run in, the departure comes after them and removes what they added.
     */
    private void unregister(List<Departures.Departure> closed) {
        dispatch.lock();
        try {
            for (Departures.Departure departure : closed) {
                try {
                    Subscriber subscriber = departure.subscriber();
                    connections.remove(subscriber);
                    deadlines.remove(subscriber);
                    if (!subscriber.topics().isEmpty()) {
                        topics.remove(subscriber, subscriber.topics());
                    }
                } catch (RuntimeException | Error e) {
                    LOG.log(Level.SEVERE, "removing a closed connection failed: " + departure.subscriber(), e);
                }
            }
            activeTopics = topics.activeTopics();
        } finally {
            dispatch.unlock();
        }
        for (Departures.Departure departure : closed) {
            // Each on its own: one failure must not keep the others' slots or their news from presence.
            int now = connections.release();
            try {
                if (departure.subscriber().isAnnounced()) {
                    metrics.connectionClosed(departure.reason());
                    watcher.closed(departure.subscriber(), departure.reason());
                }
                CONNECTIONS.logp(Level.INFO, SOURCE, "unregister", () -> "disconnect " + departure.subscriber() + " reason="
                        + departure.reason() + " active=" + now);
            } catch (RuntimeException | Error e) {
                LOG.log(Level.WARNING, "telling of a closed connection failed: " + departure.subscriber(), e);
            }
        }
    }

    /** How long the oldest close not yet applied has waited, 0 when none waits: a stuck departure fails liveness. */
    public long departuresBehindMillis() {
        return departures.oldestMillis();
    }

    /** The history, for metrics and for the other nodes. */
    public HubHistory history() {
        return history;
    }

    /** Holds a test's thread at the hub's seams. */
    void seam(Seam held) {
        this.seam = held;
    }

    /** Streams waiting for their end time (token expiry). */
    public int streamsWithDeadline() {
        return deadlines.size();
    }
}
