package io.massivesse.hub;

import java.util.List;

/**
 * What a reconnect with {@code Last-Event-ID} gets from the history: the frames after the id of every stream it
 * sees, in publish order, and the streams that could not cover the gap (named {@code broadcast},
 * {@code user:<id>}, {@code topic:<name>}).
 */
record Resume(ResumeOutcome outcome, List<byte[]> frames, List<String> lost) {
}
