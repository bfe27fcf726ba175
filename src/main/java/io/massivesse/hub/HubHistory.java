package io.massivesse.hub;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;

/**
 * The hub's history as the rest of the node reaches it, under the hub's dispatch lock: its figures for metrics,
 * the time-to-live sweep of a quiet node, and the exchange with other nodes (a starting node fills its history
 * from a running one before it reports ready).
 */
public final class HubHistory implements HistorySource {

    /** How long the second's expiry waits for the dispatch lock before it leaves it to the next second. */
    private static final long EXPIRY_WAIT_MILLIS = 100;

    private final Lock dispatch;
    private final History history;
    /** Read by metrics without the lock; taken once a second. */
    private volatile HistoryFigures figures = new HistoryFigures(0, 0, 1, 0);
    private volatile boolean filled;

    HubHistory(Lock dispatch, History history) {
        this.dispatch = dispatch;
        this.history = history;
    }

    /**
     * Lets go of what outlived the time to live (a quiet node appends nothing that would) and takes the figures.
     * Skipped when an event's fan-out holds the hub longer than a moment: the clock that calls it must not wait
     * for a fan-out, and the next second tries again.
     */
    void expire(long now) {
        try {
            if (!dispatch.tryLock(EXPIRY_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        try {
            history.expire(now);
            figures = new HistoryFigures(history.events(), history.ids(), history.streams(), history.bytes());
        } finally {
            dispatch.unlock();
        }
    }

    /** The history's size as of the last second. */
    public HistoryFigures figures() {
        return figures;
    }

    @Override
    public List<KeptEvent> keptEvents() {
        dispatch.lock();
        try {
            return history.export();
        } finally {
            dispatch.unlock();
        }
    }

    /** Puts another node's history (oldest first) before the events this node received since it started. */
    public void fill(List<KeptEvent> older) {
        dispatch.lock();
        try {
            history.fill(older, System.currentTimeMillis());
        } finally {
            dispatch.unlock();
        }
    }

    /** The fill is over (done, or given up on: then the history starts with what this node receives). */
    public void markFilled() {
        filled = true;
    }

    @Override
    public boolean isFilled() {
        return filled;
    }
}
