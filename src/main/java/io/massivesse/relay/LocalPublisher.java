package io.massivesse.relay;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.massivesse.hub.Hub;
import io.massivesse.push.Update;

/** Single-node publishing: the event goes straight to this node's hub. */
@ApplicationScoped
public class LocalPublisher implements Publisher {

    @Inject
    Hub hub;

    @Override
    public void publish(Update update) {
        hub.deliver(update);
    }
}
