package io.massivesse.hub;

/**
 * A point inside a hub transition where a test holds one thread while another races past, so each ordering of
 * a close against a subscribe or a topic change is tested deterministically. Nothing happens there in production.
 */
interface Seam {

    /** A subscribe has made its connection visible and not yet indexed its topics and deadline. */
    String REGISTERED = "registered";
    /** A topic change has found a connection open and not yet changed its topics. */
    String TOPICS_CHECKED = "topics-checked";

    Seam NONE = point -> { };

    void reached(String point);
}
