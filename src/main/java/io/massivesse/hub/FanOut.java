package io.massivesse.hub;

import java.util.ArrayList;
import java.util.List;

import io.massivesse.event.SseFrames;
import io.massivesse.event.Update;

/**
 * One event to every matching connection of this node: the redelivery check, the history, then the
 * broadcast's, the topic's or the user's connections. Never blocks on a client (an offer only queues). The hub
 * calls it under its dispatch lock, which guards the history, the recent ids and the topic index: every
 * connection sees this node's events in one order.
 */
final class FanOut {

    private final HubSettings settings;
    private final Connections connections;
    private final TopicIndex topics;
    private final History history;
    private final HubMetrics metrics;
    /** Ids fanned out lately, whatever the history keeps. */
    private final RecentIds delivered = new RecentIds(RecentIds.DEFAULT_SIZE);

    FanOut(HubSettings settings, Connections connections, TopicIndex topics, History history, HubMetrics metrics) {
        this.settings = settings;
        this.connections = connections;
        this.topics = topics;
        this.history = history;
        this.metrics = metrics;
    }

    /** Queues the event's frame for its connections; returns how many took it, or {@link EventHandler#REDELIVERED}. */
    long deliver(Update update, byte[] frame) {
        long start = System.nanoTime();
        long lagMillis = System.currentTimeMillis() - update.publishedAt();
        // The broker redelivers what it could not see acknowledged (a consumer's failover): the broker
        // already drops repeated ids from publishers, so an id seen again here is such a redelivery.
        if (!delivered.add(update.id())) {
            metrics.eventRedelivered();
            return EventHandler.REDELIVERED;
        }
        history.append(update, frame);
        long count;
        if (update.isBroadcast()) {
            count = connections.offerToAll(frame);
        } else if (update.topic() != null) {
            count = topics.offer(update.topic(), frame);
        } else {
            count = connections.offerToUser(update.userId(), frame);
        }
        metrics.eventFannedOut(count, lagMillis, System.nanoTime() - start);
        return count;
    }

    /**
     * A new connection's first frames: connected, then what it missed since {@code lastEventId} from the history
     * (or a reset when the history does not reach back to it). Under the dispatch lock, so the live events
     * that follow start exactly where these end.
     */
    List<byte[]> firstFrames(Subscriber subscriber, String lastEventId) {
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
}
