package io.massivesse.push;

/** What the rate limits report: the node's metrics bean implements it. */
public interface RateLimitMetrics {

    /** A request refused with 429 by a rate limit, by kind: {@code publish} or {@code subscribe}. */
    void rateLimited(String kind);
}
