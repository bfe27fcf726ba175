package io.massivesse.relay;

/** What a node does with the control messages every node sends (its own too); implemented by the cluster's core. */
public interface ControlHandler {

    /** Acts on one message, in the order the topic delivers them; never blocks on the network. */
    void onControl(ControlMessage message);
}
