package io.massivesse.relay;

/** The event was not accepted: the publisher should retry later with the same id. */
public class RelayUnavailableException extends Exception {

    public RelayUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
