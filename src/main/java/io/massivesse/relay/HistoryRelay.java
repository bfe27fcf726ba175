package io.massivesse.relay;

import java.util.List;

import io.massivesse.hub.KeptEvent;

/** Fetches a running node's history for a node that starts, so a rolling restart loses no history. */
public interface HistoryRelay {

    /**
     * Another node's history, oldest first; empty when no node offers one (this node is alone, or every node
     * starts now) or when it does not arrive whole within {@code timeoutMillis}.
     */
    List<KeptEvent> fetch(long timeoutMillis) throws RelayUnavailableException;
}
