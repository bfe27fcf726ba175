package io.massivesse.hub;

import java.util.ArrayList;
import java.util.List;

import io.massivesse.event.SseFrames;
import io.massivesse.event.Update;

/**
 * One event to every matching connection of this node: the redelivery check, the history, then the
 * broadcast's, the topic's or the user's connections. Never blocks on a client (an offer writes without blocking
 * or queues). The hub
 * calls it under its dispatch lock, which guards the history, the recent ids and the topic index: every
 * connection sees this node's events in one order.
 */
final class FanOut {

    /**
     * An event fanned out this long after it was published finds the node behind: its frames queue instead of
     * going to the sockets at once, so each client's writer sends what piled up in one write. Written one at a
     * time, every event to every client is a packet of its own, and at 100,000 clients on two cores that halved
     * what the box delivered (docs/DESIGN.md, "Frames past Liberty").
     */
    static final long BEHIND_MILLIS = 100;

    private final HubSettings settings;
    private final Connections connections;
    private final TopicIndex topics;
    private final History history;
    private final HubMetrics metrics;
    /** Ids fanned out lately, whatever the history keeps. */
    private final RecentIds delivered = new RecentIds(RecentIds.DEFAULT_SIZE);

    FanOut(HubSettings settings, Connections connections, TopicIndex topics, HubMetrics metrics) {
        this.settings = settings;
        this.connections = connections;
        this.topics = topics;
        this.history = new History(settings.history(), metrics);
        this.metrics = metrics;
    }

    /** Queues the event's frame for its connections; returns how many took it, or {@link EventHandler#REDELIVERED}. */
    long deliver(Update update, byte[] frame) {
        long start = System.nanoTime();
        long now = System.currentTimeMillis();
        long lagMillis = now - update.publishedAt();
        // The broker redelivers what it could not see acknowledged (a consumer's failover): the broker
        // already drops repeated ids from publishers, so an id seen again here is such a redelivery.
        if (!delivered.add(update.id())) {
            metrics.eventRedelivered();
            return EventHandler.REDELIVERED;
        }
        history.append(update, frame, now);
        boolean atOnce = lagMillis < BEHIND_MILLIS;
        long count;
        if (update.isBroadcast()) {
            count = connections.offerToAll(frame, atOnce);
        } else if (update.topic() != null) {
            count = topics.offer(update.topic(), frame, atOnce);
        } else {
            count = connections.offerToUser(update.userId(), frame, atOnce);
        }
        metrics.eventFannedOut(count, lagMillis, System.nanoTime() - start);
        return count;
    }

    /**
     * A new connection's first frames: connected, then what it missed since {@code lastEventId} from the history
     * (after a reset naming the streams that cannot cover the gap), or without an id and with {@code latest} the
     * newest kept event of each of its topics. Under the dispatch lock, so the live events that follow start
     * exactly where these end.
     */
    List<byte[]> firstFrames(Subscriber subscriber, String lastEventId, boolean latest) {
        List<byte[]> first = new ArrayList<>();
        first.add(SseFrames.connected(subscriber.userId(), settings.nodeId(), subscriber.topics(), settings.retryMillis()));
        long now = System.currentTimeMillis();
        if (lastEventId != null) {
            Resume resume = history.after(lastEventId, subscriber.userId(), subscriber.topics(), now);
            metrics.resumed(resume.outcome());
            if (!resume.lost().isEmpty()) {
                first.add(SseFrames.reset(lastEventId, resume.lost()));
            }
            metrics.eventsReplayed(resume.frames().size());
            first.addAll(resume.frames());
        } else if (latest && !subscriber.topics().isEmpty()) {
            List<byte[]> newest = history.latest(subscriber.topics(), now);
            metrics.eventsReplayed(newest.size());
            first.addAll(newest);
        }
        return first;
    }

    History history() {
        return history;
    }
}
