package io.massivesse.push;

import java.io.IOException;
import java.util.Enumeration;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The API's limits on a request's URL and headers (README, "Limits"): over them a request gets the JSON
 * error (414, 431) before anything reads it. They sit below Liberty's own (server.xml {@code limitFieldSize}
 * and the channel's 500 header lines), which answer a bare 400 to anything larger still. The URL limit
 * fits the most topics a connection may ask for at full length plus a token.
 */
@WebFilter(urlPatterns = "/*", asyncSupported = true)
public class RequestSizeFilter implements Filter {

    /** Path and query string, as sent (still percent-encoded). */
    static final int MAX_URL_BYTES = 32 * 1024;
    /** One header line, name and value. */
    static final int MAX_HEADER_BYTES = 32 * 1024;
    /** All header lines together. */
    static final int MAX_HEADERS_BYTES = 64 * 1024;
    static final int MAX_HEADERS = 100;

    private record Refusal(int status, String error) {
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        Refusal refusal = refusal((HttpServletRequest) request);
        if (refusal == null) {
            chain.doFilter(request, response);
            return;
        }
        HttpServletResponse http = (HttpServletResponse) response;
        // The rest of an oversized request is not worth reading: end the connection after the answer.
        http.setHeader("Connection", "close");
        ErrorResponses.write(http, refusal.status(), refusal.error());
    }

    private static Refusal refusal(HttpServletRequest request) {
        String query = request.getQueryString();
        long url = request.getRequestURI().length() + (query == null ? 0 : query.length() + 1);
        if (url > MAX_URL_BYTES) {
            return new Refusal(414, "the URL is " + url + " bytes; at most " + MAX_URL_BYTES + " are accepted");
        }
        int count = 0;
        long total = 0;
        for (Enumeration<String> names = request.getHeaderNames(); names.hasMoreElements(); ) {
            String name = names.nextElement();
            for (Enumeration<String> values = request.getHeaders(name); values.hasMoreElements(); ) {
                int size = name.length() + 2 + values.nextElement().length();
                if (size > MAX_HEADER_BYTES) {
                    return new Refusal(431, "header " + name + " is " + size + " bytes; at most " + MAX_HEADER_BYTES
                            + " are accepted");
                }
                total += size;
                count++;
            }
        }
        if (count > MAX_HEADERS) {
            return new Refusal(431, count + " header lines; at most " + MAX_HEADERS + " are accepted");
        }
        if (total > MAX_HEADERS_BYTES) {
            return new Refusal(431, "the headers are " + total + " bytes; at most " + MAX_HEADERS_BYTES + " are accepted");
        }
        return null;
    }
}
