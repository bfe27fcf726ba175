package io.massivesse.push;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.massivesse.event.EventIds;
import io.massivesse.event.Update;
import io.massivesse.relay.EventRelay;
import io.massivesse.relay.RelayUnavailableException;

/**
 * Accepts a checked event for the cluster, whichever way it came in (the publish resources, the
 * {@code SseBroadcaster}): its id (the publisher's, or a new one), the relay, the count.
 */
@ApplicationScoped
public class Publisher {

    @Inject
    EventRelay relay;

    @Inject
    EventIds ids;

    @Inject
    PublishMetrics metrics;

    /**
     * @param id     the publisher's id, or {@code null} for a new one
     * @param userId the target user, or {@code null}; with {@code topic} null too, a broadcast
     * @return the event's id, once the broker has the event
     * @throws RelayUnavailableException when the broker cannot take it now
     */
    public String publish(String id, String event, String data, String userId, String topic)
            throws RelayUnavailableException {
        Update update = new Update(id != null ? id : ids.next(), event, data, userId, topic, System.currentTimeMillis());
        relay.publish(update);
        metrics.eventPublished(update.target());
        return update.id();
    }
}
