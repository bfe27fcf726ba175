package io.massivesse.hub;

/**
 * Told when a connection opens and when it closes, on the thread that opened or closed it; it must
 * not block. The cluster's presence and connection announcements are built on it.
 */
public interface ConnectionWatcher {

    ConnectionWatcher NONE = new ConnectionWatcher() {
        @Override
        public void opened(Subscriber subscriber) {
        }

        @Override
        public void closed(Subscriber subscriber, CloseReason reason) {
        }
    };

    void opened(Subscriber subscriber);

    void closed(Subscriber subscriber, CloseReason reason);
}
