package io.massivesse.push;

/**
 * What the security filters learned of a request's caller, as request attributes the web layer reads:
 * both are absent in open mode, where nobody is identified.
 */
public final class CallerAttributes {

    /** The token's subject (a String): whose publishes a publish rate limit counts. */
    public static final String SUBJECT = "io.massivesse.caller.subject";
    /** When a stream opened with this token must end (epoch milliseconds, a Long): its expiry plus the clock skew. */
    public static final String STREAM_ENDS_AT = "io.massivesse.caller.streamEndsAt";

    private CallerAttributes() {
    }
}
