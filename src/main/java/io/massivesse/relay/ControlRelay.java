package io.massivesse.relay;

/**
 * Takes a node's {@link ControlMessage}s to every node, this one included (each node's {@link ControlHandler}
 * skips what it sent itself where that matters). The broker-backed implementation is in {@code relay.jms}.
 */
public interface ControlRelay {

    /** @throws RelayUnavailableException when the message could not be taken; control messages are best effort */
    void send(ControlMessage message) throws RelayUnavailableException;
}
