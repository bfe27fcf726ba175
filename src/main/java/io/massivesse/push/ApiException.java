package io.massivesse.push;

import java.util.Optional;

import io.massivesse.hub.SubscribeRefusedException;

/** A request the service refuses, with the status and the sentence the client gets as JSON. */
public class ApiException extends RuntimeException {

    private final int status;
    private final Integer retryAfterSeconds;

    public ApiException(int status, String message) {
        this(status, message, null);
    }

    public ApiException(int status, String message, Integer retryAfterSeconds) {
        super(message, null, false, false);
        this.status = status;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** A field that broke one of the field rules is a bad request, and the rule says why. */
    static void refuseIf(Optional<String> problem) {
        if (problem.isPresent()) {
            throw new ApiException(400, problem.get());
        }
    }

    /** The hub's refusal in HTTP: 429 over the per-user limit, 503 (retry elsewhere) otherwise. */
    static ApiException of(SubscribeRefusedException refused) {
        int status = refused.reason() == SubscribeRefusedException.Reason.USER_LIMIT ? 429 : 503;
        return new ApiException(status, refused.getMessage(), refused.retryAfterSeconds());
    }

    public int status() {
        return status;
    }

    public Integer retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
