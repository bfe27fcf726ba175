package io.massivesse.hub;

/** What a new connection does to the user's connections already open. */
public enum DuplicatePolicy {
    /** The older connection gets {@code event: replaced} and is closed (what the Spring WebFlux service this one replaces did). */
    REPLACE,
    /** Up to the per-user limit, connections share the user's events. */
    ALLOW;

    public static DuplicatePolicy parse(String value) {
        return valueOf(value.trim().toUpperCase());
    }
}
