package io.massivesse.hub;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.massivesse.event.SseFrames;
import io.massivesse.event.Topics;
import io.massivesse.event.Update;

/**
 * This node's connections, by user, and the fan-out of events to them. Plain Java so the
 * logic is unit-tested without a server; the application's CDI wiring makes it a bean.
 */
public class Hub {

    private static final Logger LOG = Logger.getLogger(Hub.class.getName());
    /** One INFO line per connect and disconnect; operators turn it off by this logger's level. */
    private static final Logger CONNECTIONS = Logger.getLogger("io.massivesse.connections");
    /** Named for those lines, so logging does not walk the stack to find the caller (it showed in connect profiles). */
    private static final String SOURCE = Hub.class.getName();
    /** Shutdown retry hints are picked from this many steps across the spread, encoded once each. */
    private static final int RETRY_STEPS = 32;

    /** Below this many users a broadcast runs on the calling thread; above, over all cores. */
    static final long PARALLEL_THRESHOLD = 2048;
    private static final Subscriber[] NO_SUBSCRIBERS = {};

    private final HubSettings settings;
    private final Executor writers;
    private final HubMetrics metrics;
    private final ConcurrentHashMap<String, Subscriber[]> byUser = new ConcurrentHashMap<>();
    private final AtomicInteger active = new AtomicInteger();
    private final AtomicLong serials = new AtomicLong();
    /** Guarded by {@link #dispatch}. */
    private final History history;
    /** Guarded by {@link #dispatch}: ids fanned out lately, whatever the replay window keeps. */
    private final RecentIds delivered = new RecentIds(RecentIds.DEFAULT_SIZE);
    /** Guarded by {@link #dispatch}. */
    private final TopicIndex topics = new TopicIndex();
    /** {@link TopicIndex#activeTopics()} as of the last change, for metrics read without the lock. */
    private volatile int activeTopics;
    /** One event at a time, so every connection sees this node's events in the same order. */
    private final ReentrantLock dispatch = new ReentrantLock();
    /** Streams that end at a given time (their token's expiry), ended by one tick a second. */
    private final Deadlines deadlines = new Deadlines();
    private final ScheduledExecutorService heartbeat;
    private volatile boolean draining;
    private volatile long lastBeatNanos = System.nanoTime();
    /** When the event being fanned out now started, or 0 when none is: a stuck dispatch fails liveness. */
    private volatile long dispatchSinceNanos;
    private volatile ConnectionWatcher watcher = ConnectionWatcher.NONE;
    private volatile Seam seam = Seam.NONE;

    public Hub(HubSettings settings, HubMetrics metrics) {
        this(settings, WriterThreads.create(), metrics);
    }

    Hub(HubSettings settings, Executor writers) {
        this(settings, writers, HubMetrics.NONE);
    }

    Hub(HubSettings settings, Executor writers, HubMetrics metrics) {
        this.settings = settings;
        this.writers = writers;
        this.metrics = metrics;
        this.history = new History(settings.replaySize(), settings.replayMaxBytes());
        this.heartbeat = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "sse-heartbeat");
            thread.setDaemon(true);
            return thread;
        });
        heartbeat.scheduleAtFixedRate(this::beat, settings.heartbeatSeconds(), settings.heartbeatSeconds(), TimeUnit.SECONDS);
        heartbeat.scheduleAtFixedRate(this::endDueStreams, 1, 1, TimeUnit.SECONDS);
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
     * {@code lastEventId}, what the user may see after it follows from the replay window, then live
     * events: replay and registration happen under the dispatch lock, so there is no gap and no
     * duplicate at the seam. An id not in the window gets {@code event: reset} instead.
     *
     * @param topics the topics the connection listens to besides the user's own events and broadcasts
     * @throws SubscribeRefusedException at this node's capacity, while it drains, or over the per-user limit
     */
    public Subscriber subscribe(String userId, EventStream stream, String lastEventId, Topics topics) {
        return subscribe(userId, stream, lastEventId, topics, 0);
    }

    /**
     * As {@link #subscribe(String, EventStream, String, Topics)}, for a stream that ends with
     * {@code event: token-expired} at {@code endsAtMillis} (epoch milliseconds; 0 for never).
     */
    public Subscriber subscribe(String userId, EventStream stream, String lastEventId, Topics topics, long endsAtMillis) {
        admit();
        Subscriber registered = null;
        Subscriber[] displaced = NO_SUBSCRIBERS;
        dispatch.lock();
        try {
            Subscriber subscriber = new Subscriber(userId, topics, serials.incrementAndGet(), stream, settings.bufferSize(),
                    writers, this::unregister, metrics, Deadlines.secondOf(endsAtMillis));
            // Queued before the subscriber becomes visible to deliver(): connected, replay, then live events.
            subscriber.prime(firstFrames(subscriber, lastEventId));
            displaced = register(subscriber);
            registered = subscriber;
            metrics.connectionOpened();
            // Visible now: a close from another thread (a replace elsewhere, a drain) waits for this lock and then
            // removes what is added here, so nothing is added after the connection has been forgotten.
            seam.reached(Seam.REGISTERED);
            if (!topics.isEmpty()) {
                this.topics.add(subscriber, topics);
                activeTopics = this.topics.activeTopics();
            }
            if (subscriber.endsAtSecond() != 0) {
                deadlines.add(subscriber);
            }
            // Under the lock too: the watcher hears of the open before any close, or presence would count a user
            // whose connection ended before it was announced.
            watcher.opened(subscriber);
        } catch (RuntimeException | Error failed) {
            // The caller gets no stream. Before registration nothing holds the slot admit() took; after it, closing
            // the connection gives back the slot and everything it holds (the close takes this lock again).
            if (registered == null) {
                active.decrementAndGet();
            } else {
                registered.close(CloseReason.CLIENT_GONE);
            }
            replace(displaced, userId);
            throw failed;
        } finally {
            dispatch.unlock();
        }
        Subscriber subscriber = registered;
        CONNECTIONS.logp(Level.INFO, SOURCE, "subscribe", () -> "connect " + subscriber + " active=" + active.get()
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

    /** Takes one connection of this node's capacity, unless the node drains or is full. */
    private void admit() {
        if (draining) {
            throw new SubscribeRefusedException(SubscribeRefusedException.Reason.DRAINING,
                    "this node is shutting down; reconnect to another node", 1);
        }
        if (active.incrementAndGet() > settings.maxConnections()) {
            active.decrementAndGet();
            throw new SubscribeRefusedException(SubscribeRefusedException.Reason.AT_CAPACITY,
                    "this node is at its connection capacity (" + settings.maxConnections()
                            + "); retry, possibly on another node", 5);
        }
    }

    /** Connected, then what the connection missed since {@code lastEventId} (or a reset). Under the dispatch lock. */
    private List<byte[]> firstFrames(Subscriber subscriber, String lastEventId) {
        List<byte[]> first = new ArrayList<>();
        first.add(SseFrames.connected(subscriber.userId(), settings.nodeId(), subscriber.topics(), settings.retryMillis()));
        if (lastEventId != null) {
            List<byte[]> missed = history.after(lastEventId, subscriber.userId(), subscriber.topics());
            if (missed == null) {
                metrics.replayReset();
                first.add(SseFrames.reset(lastEventId));
            } else {
                metrics.eventsReplayed(missed.size());
                first.addAll(missed);
            }
        }
        return first;
    }

    /**
     * Adds the subscriber to its user's connections and returns the ones it displaces: under
     * {@code replace} all the older ones, under {@code allow} none (or a refusal over the limit).
     */
    private Subscriber[] register(Subscriber subscriber) {
        String userId = subscriber.userId();
        if (settings.duplicatePolicy() == DuplicatePolicy.REPLACE) {
            Subscriber[] previous = byUser.put(userId, new Subscriber[] {subscriber});
            return previous == null ? NO_SUBSCRIBERS : previous;
        }
        // A refusal thrown here leaves the user's connections as they were.
        byUser.compute(userId, (user, current) -> {
            if (current == null) {
                return new Subscriber[] {subscriber};
            }
            if (current.length >= settings.maxConnectionsPerUser()) {
                throw new SubscribeRefusedException(SubscribeRefusedException.Reason.USER_LIMIT, "user " + userId
                        + " already has " + settings.maxConnectionsPerUser() + " connections on this node", null);
            }
            Subscriber[] grown = Arrays.copyOf(current, current.length + 1);
            grown[current.length] = subscriber;
            return grown;
        });
        return NO_SUBSCRIBERS;
    }

    /** What {@link #deliver} answers for an event it had fanned out already (a redelivery), which it skips. */
    public static final long REDELIVERED = -1;

    /**
     * Hands an event to every matching local connection. Never blocks on a client.
     *
     * @return the connections whose queue took it, or {@link #REDELIVERED}
     */
    public long deliver(Update update) {
        byte[] frame = SseFrames.event(update);
        dispatch.lock();
        try {
            long start = System.nanoTime();
            dispatchSinceNanos = start;
            long lagMillis = System.currentTimeMillis() - update.publishedAt();
            // The broker redelivers what it could not see acknowledged (a consumer's failover): the broker
            // already drops repeated ids from publishers, so an id seen again here is such a redelivery.
            if (!delivered.add(update.id())) {
                metrics.eventRedelivered();
                return REDELIVERED;
            }
            history.append(update, frame);
            long count = 0;
            if (update.isBroadcast()) {
                count = byUser.reduceValuesToLong(PARALLEL_THRESHOLD, subscribers -> offerAll(subscribers, frame), 0L, Long::sum);
            } else if (update.topic() != null) {
                count = topics.offer(update.topic(), frame);
            } else {
                Subscriber[] subscribers = byUser.get(update.userId());
                if (subscribers != null) {
                    count = offerAll(subscribers, frame);
                }
            }
            metrics.eventFannedOut(count, lagMillis, System.nanoTime() - start);
            return count;
        } finally {
            dispatchSinceNanos = 0;
            dispatch.unlock();
        }
    }

    /**
     * Changes the topics of the user's connections open on this node now: {@code added} ones join (up to
     * the per-connection limit), {@code removed} ones leave. The next event of a topic sees the change.
     */
    public void changeTopics(String userId, List<String> added, List<String> removed) {
        dispatch.lock();
        try {
            for (Subscriber subscriber : connectionsOf(userId)) {
                if (subscriber.isClosed()) {
                    continue;
                }
                // A close from here on waits for this lock before it removes the connection's topics.
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

    /** Offers to a user's connections; returns how many took the frame. Counted once per event by the caller. */
    private static long offerAll(Subscriber[] subscribers, byte[] frame) {
        long count = 0;
        for (Subscriber subscriber : subscribers) {
            if (subscriber.offer(frame)) {
                count++;
            }
        }
        return count;
    }

    /**
     * Another node says this user connected there at {@code openedAt}: under {@code replace}, this
     * node's older connections of the user get {@code event: replaced} and close. Equal times are
     * settled by node id, so exactly one connection survives.
     */
    public void replaceOlderThan(String userId, String node, long openedAt) {
        if (settings.duplicatePolicy() != DuplicatePolicy.REPLACE || settings.nodeId().equals(node)) {
            return;
        }
        for (Subscriber subscriber : connectionsOf(userId)) {
            long mine = subscriber.openedAt();
            if (mine < openedAt || (mine == openedAt && settings.nodeId().compareTo(node) < 0)) {
                subscriber.closeAfter(SseFrames.replaced(userId), CloseReason.REPLACED);
            }
        }
    }

    /** Connections open on this node now. */
    public int activeConnections() {
        return active.get();
    }


    /** The user's open connections on this node (a snapshot). */
    public List<Subscriber> connectionsOf(String userId) {
        Subscriber[] subscribers = byUser.get(userId);
        return subscribers == null ? List.of() : List.of(subscribers);
    }

    /**
     * Starts draining: new subscribers are refused, and every stream ends with {@code event: server-shutdown}
     * carrying a {@code retry:} hint spread over {@code [retry, retry + spreadMillis]}, so clients do not
     * all reconnect in the same moment. Calling it again ends streams opened in between.
     */
    public synchronized void drain(int spreadMillis) {
        draining = true;
        byte[][] goodbyes = new byte[RETRY_STEPS][];
        for (int i = 0; i < RETRY_STEPS; i++) {
            int retry = settings.retryMillis() + (int) ((long) spreadMillis * i / (RETRY_STEPS - 1));
            goodbyes[i] = SseFrames.serverShutdown(settings.nodeId(), retry);
        }
        int before = active.get();
        byUser.forEachValue(Long.MAX_VALUE, subscribers -> {
            for (Subscriber subscriber : subscribers) {
                subscriber.closeAfter(goodbyes[ThreadLocalRandom.current().nextInt(RETRY_STEPS)], CloseReason.SHUTDOWN);
            }
        });
        if (before > 0) {
            LOG.info("Draining: told " + before + " connections to reconnect elsewhere within "
                    + settings.retryMillis() + "-" + (settings.retryMillis() + spreadMillis) + " ms");
        }
    }

    /** True from the start of a drain: readiness reports DOWN and subscribes are refused. */
    public boolean isDraining() {
        return draining;
    }

    /** Ends every stream still open (no spread: the node is going) and stops the heartbeat. */
    public void shutdown() {
        drain(0);
        heartbeat.shutdownNow();
    }

    /** Milliseconds since the last heartbeat tick ran: the hub's own clock for liveness. */
    public long millisSinceHeartbeat() {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastBeatNanos);
    }

    /** How long the event being fanned out now has been at it, 0 when none is. */
    public long dispatchBusyMillis() {
        long since = dispatchSinceNanos;
        return since == 0 ? 0 : TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - since);
    }

    /**
     * Called once per subscriber, when it closes (a replaced one has already left the map). Under the dispatch
     * lock, as everything that adds to the registry, the topic index and the deadlines is: whatever order a
     * close and a subscribe or topic change run in, the close removes what they added.
     */
    private void unregister(Subscriber subscriber, CloseReason reason) {
        dispatch.lock();
        try {
            byUser.computeIfPresent(subscriber.userId(), (user, current) -> {
                int index = Arrays.asList(current).indexOf(subscriber);
                if (index < 0) {
                    return current;
                }
                if (current.length == 1) {
                    return null;
                }
                Subscriber[] shrunk = new Subscriber[current.length - 1];
                System.arraycopy(current, 0, shrunk, 0, index);
                System.arraycopy(current, index + 1, shrunk, index, current.length - index - 1);
                return shrunk;
            });
            if (subscriber.endsAtSecond() != 0) {
                deadlines.remove(subscriber);
            }
            if (!subscriber.topics().isEmpty()) {
                topics.remove(subscriber, subscriber.topics());
                activeTopics = topics.activeTopics();
            }
        } finally {
            dispatch.unlock();
        }
        int now = active.decrementAndGet();
        metrics.connectionClosed(reason);
        watcher.closed(subscriber, reason);
        CONNECTIONS.logp(Level.INFO, SOURCE, "unregister", () -> "disconnect " + subscriber + " reason=" + reason + " active=" + now);
    }

    /** Streams whose tokens expired get {@code event: token-expired} and end. */
    private void endDueStreams() {
        try {
            for (Subscriber due : deadlines.takeDue(System.currentTimeMillis())) {
                due.closeAfter(SseFrames.tokenExpired(due.userId()), CloseReason.TOKEN_EXPIRED);
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "ending expired streams failed", e);
        }
    }

    /** Holds a test's thread at the hub's seams. */
    void seam(Seam held) {
        this.seam = held;
    }

    /** Streams waiting for their end time (token expiry). */
    public int streamsWithDeadline() {
        return deadlines.size();
    }

    /** Heartbeat tick: a ping to every quiet stream (which also finds clients that vanished) and the slow-consumer check. */
    private void beat() {
        try {
            long now = System.nanoTime();
            lastBeatNanos = now;
            long slowNanos = TimeUnit.SECONDS.toNanos(settings.slowConsumerSeconds());
            // Half an interval: a stream skipped now gets its next frame within 1.5 intervals at the latest.
            long quietNanos = TimeUnit.SECONDS.toNanos(settings.heartbeatSeconds()) / 2;
            ConcurrentLinkedQueue<Subscriber> slow = new ConcurrentLinkedQueue<>();
            byUser.forEachValue(PARALLEL_THRESHOLD, subscribers -> {
                for (Subscriber subscriber : subscribers) {
                    if (subscriber.fullLongerThan(slowNanos, now)) {
                        slow.add(subscriber);
                    } else {
                        subscriber.heartbeat(now, quietNanos);
                    }
                }
            });
            // Closed here, not in the walk: a close waits for the dispatch lock, and the walk's pool threads
            // are the ones a fan-out holding that lock may be waiting for.
            slow.forEach(subscriber -> subscriber.close(CloseReason.SLOW_CONSUMER));
        } catch (RuntimeException e) {
            // A failed tick must not cancel the schedule.
            LOG.log(Level.WARNING, "heartbeat tick failed", e);
        }
    }
}
