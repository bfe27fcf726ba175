package io.massivesse.push;

import java.io.IOException;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The web.xml error page: errors raised by the container before the API sees the request
 * ({@code %2F} or CR/LF in a path, unknown paths) answer {@code {"status", "error"}} like the API
 * does, and never carry the container's exception text.
 */
@WebServlet("/error")
public class ErrorPage extends HttpServlet {

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        int status = code instanceof Integer value ? value : HttpServletResponse.SC_NOT_FOUND;
        String error = switch (status) {
            case 400 -> "bad request: the URI has characters or encodings this server does not accept";
            case 404 -> "no such endpoint";
            case 405 -> "method not allowed";
            default -> status >= 500 ? "internal error" : "request refused";
        };
        ErrorResponses.write(response, status, error);
    }
}
