package io.massivesse.it;

import java.util.UUID;

/** Names no other test uses: classes that share a cluster keep apart by their data, not by restarts. */
final class Unique {

    private Unique() {
    }

    /** A user id (or topic segment) made of {@code prefix} and eight random hex digits. */
    static String name(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
