package io.massivesse.push;

/** What the publish API reports: the node's metrics bean implements it. */
public interface PublishMetrics {

    /** An event accepted by {@code POST /sse/broadcast} or {@code /sse/send/{userId}} on this node. */
    void eventPublished();
}
