package io.massivesse.push;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import jakarta.servlet.http.HttpServletRequest;

import io.massivesse.event.FieldRules;
import io.massivesse.event.Topics;

/**
 * What a subscriber asked for, parsed and validated: the user, the id of the last event it saw, whether it wants
 * its topics' latest events first (without an id), the topics it listens to, and when its stream must end (its
 * token's expiry, set by the security filter; 0 for never).
 */
public record SubscribeRequest(String userId, String lastEventId, boolean latest, Topics topics, long endsAtMillis) {

    /**
     * @param lastEventIdHeader the {@code Last-Event-ID} header (EventSource sends it on its own reconnects)
     * @param lastEventIdQuery  {@code ?lastEventId=}, for a client's first connect; the header wins
     * @param latest            {@code ?latest=true}: the newest kept event of each topic first (a Last-Event-ID wins)
     * @param selectors         the {@code topic} parameters: each a name or a prefix, at most {@code maxTopics}
     * @throws ApiException (400) for a bad user id, Last-Event-ID or topic, or too many topics
     */
    public static SubscribeRequest parse(String userId, String lastEventIdHeader, String lastEventIdQuery, boolean latest,
                                         List<String> selectors, int maxTopics, HttpServletRequest request) {
        String lastEventId = lastEventId(userId, lastEventIdHeader, lastEventIdQuery);
        long endsAt = request.getAttribute(CallerAttributes.STREAM_ENDS_AT) instanceof Long at ? at : 0;
        return new SubscribeRequest(userId, lastEventId, latest, topicsOf(selectors, maxTopics), endsAt);
    }

    /** Checks the user id and the Last-Event-ID (header first); returns the id, or {@code null}. */
    static String lastEventId(String userId, String lastEventIdHeader, String lastEventIdQuery) {
        ApiException.refuseIf(FieldRules.userIdProblem(userId));
        String lastEventId = lastEventIdHeader != null ? lastEventIdHeader : lastEventIdQuery;
        if (lastEventId != null) {
            ApiException.refuseIf(FieldRules.lastEventIdProblem(lastEventId));
        }
        return lastEventId;
    }

    private static Topics topicsOf(List<String> selectors, int max) {
        if (selectors == null || selectors.isEmpty()) {
            return Topics.NONE;
        }
        Set<String> distinct = new LinkedHashSet<>(selectors);
        if (distinct.size() > max) {
            throw new ApiException(400, distinct.size() + " topics asked for; a connection may listen to at most " + max);
        }
        distinct.forEach(selector -> ApiException.refuseIf(FieldRules.topicSelectorProblem(selector)));
        return Topics.of(distinct);
    }
}
