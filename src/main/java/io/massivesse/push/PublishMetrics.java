package io.massivesse.push;

/** What the publish API reports: the node's metrics bean implements it. */
public interface PublishMetrics {

    /**
     * An event accepted by {@code POST /sse/broadcast}, {@code /sse/send/{userId}} or {@code /sse/topics/{topic}}
     * on this node, by target: {@code broadcast}, {@code user} or {@code topic}.
     */
    void eventPublished(String target);
}
