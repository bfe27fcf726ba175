package io.massivesse.push;

import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

import io.massivesse.hub.SubscribeRefusedException;

/** Every failure leaves as the JSON error shape; stack traces stay in the log. */
@Provider
public class ErrorMapper implements ExceptionMapper<Throwable> {

    private static final Logger LOG = Logger.getLogger(ErrorMapper.class.getName());

    @Override
    public Response toResponse(Throwable failure) {
        if (failure instanceof ApiException api) {
            return ErrorResponses.of(api);
        }
        if (failure instanceof SubscribeRefusedException refused) {
            return ErrorResponses.of(ApiException.of(refused));
        }
        if (failure instanceof WebApplicationException web) {
            Response original = web.getResponse();
            int status = original.getStatus();
            return ErrorResponses.of(status, Response.Status.fromStatusCode(status) == null
                    ? "request failed" : reasonOf(status), null);
        }
        LOG.log(Level.SEVERE, "Unexpected failure", failure);
        return ErrorResponses.of(500, "internal error", null);
    }

    private static String reasonOf(int status) {
        return Response.Status.fromStatusCode(status).getReasonPhrase().toLowerCase();
    }
}
