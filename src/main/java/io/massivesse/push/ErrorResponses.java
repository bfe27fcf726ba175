package io.massivesse.push;

import jakarta.json.spi.JsonProvider;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** The one error shape of the API: {@code {"status": N, "error": "what is wrong"}}. */
public final class ErrorResponses {

    /** Looked up once: Json's static methods look the provider up again on every call, which showed in profiles. */
    private static final JsonProvider JSON = JsonProvider.provider();

    private ErrorResponses() {
    }

    public static Response of(int status, String error, Integer retryAfterSeconds) {
        Response.ResponseBuilder response = Response.status(status).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(body(status, error));
        if (retryAfterSeconds != null) {
            response.header("Retry-After", retryAfterSeconds);
        }
        return response.build();
    }

    /** The error body alone, for answers written outside JAX-RS (the web.xml error page). */
    public static String body(int status, String error) {
        return JSON.createObjectBuilder().add("status", status).add("error", error).build().toString();
    }

    public static Response of(ApiException e) {
        return of(e.status(), e.getMessage(), e.retryAfterSeconds());
    }
}
