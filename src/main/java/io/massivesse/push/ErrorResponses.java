package io.massivesse.push;

import java.io.IOException;

import jakarta.json.spi.JsonProvider;
import jakarta.servlet.http.HttpServletResponse;
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

    /** Writes the error as the response of a servlet or servlet filter: answers given outside JAX-RS. */
    public static void write(HttpServletResponse response, int status, String error) throws IOException {
        response.setStatus(status);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.getWriter().write(body(status, error));
    }

    /** The error body alone. */
    public static String body(int status, String error) {
        return JSON.createObjectBuilder().add("status", status).add("error", error).build().toString();
    }

    public static Response of(ApiException e) {
        return of(e.status(), e.getMessage(), e.retryAfterSeconds());
    }
}
