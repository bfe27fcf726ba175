package io.massivesse.hub;

/**
 * The history's size at one moment, for metrics.
 *
 * @param events  events kept, with their frames
 * @param ids     ids known (every event of the time to live, kept or not)
 * @param streams the broadcasts, and the topics and users with an event kept or a loss still to report
 * @param bytes   estimated heap held: frames, plus a fixed cost per id and per stream
 */
public record HistoryFigures(int events, int ids, int streams, long bytes) {
}
