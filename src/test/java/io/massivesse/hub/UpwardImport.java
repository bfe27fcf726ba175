package io.massivesse.hub;

import io.massivesse.push.ApiException;

/** Test-only: a hub class that reaches up into the web layer, which ArchitectureTest must flag. */
final class UpwardImport {

    private UpwardImport() {
    }

    static RuntimeException refusal() {
        return new ApiException(503, "the hub must not speak HTTP");
    }
}
