package io.massivesse.hub;

import java.util.List;

/** A node's history as the other nodes reach it: what a starting node fills its own from. */
public interface HistorySource {

    /** False while this node is still filling its own history: it has nothing complete to give yet. */
    boolean isFilled();

    /** Every known id, oldest first, with its event where its stream still keeps it. */
    List<KeptEvent> keptEvents();
}
