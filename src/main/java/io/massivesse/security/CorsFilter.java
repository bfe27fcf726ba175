package io.massivesse.security;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * CORS for the push endpoints: web pages from the origins in {@code SSE_CORS_ALLOWED_ORIGINS}
 * (comma-separated, {@code *} for any; none by default) may subscribe and publish. A servlet
 * filter, not a JAX-RS one, because the event stream is written to the servlet response directly.
 * No credentials mode: tokens travel in a header or the query, never in cookies.
 */
@WebFilter(urlPatterns = "/sse/*", asyncSupported = true)
public class CorsFilter extends HttpFilter {

    @Inject
    @ConfigProperty(name = "sse.cors.allowed.origins")
    Optional<List<String>> origins;

    private Set<String> allowed;

    @Override
    public void init() {
        allowed = origins.map(list -> list.stream().map(String::trim).filter(origin -> !origin.isEmpty())
                .collect(Collectors.toUnmodifiableSet())).orElse(Set.of());
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        String origin = request.getHeader("Origin");
        if (origin == null) {
            chain.doFilter(request, response);
            return;
        }
        boolean permitted = allowed.contains("*") || allowed.contains(origin);
        boolean preflight = "OPTIONS".equals(request.getMethod()) && request.getHeader("Access-Control-Request-Method") != null;
        if (permitted) {
            response.setHeader("Access-Control-Allow-Origin", origin);
            response.setHeader("Access-Control-Expose-Headers", "Retry-After");
        }
        response.addHeader("Vary", "Origin");
        if (preflight) {
            if (permitted) {
                response.setHeader("Access-Control-Allow-Methods", "GET, POST");
                response.setHeader("Access-Control-Allow-Headers", "Authorization, Content-Type, Last-Event-ID");
                response.setHeader("Access-Control-Max-Age", "600");
            }
            // Without the headers above the browser refuses the real request; nothing else to say.
            response.setStatus(permitted ? HttpServletResponse.SC_NO_CONTENT : HttpServletResponse.SC_FORBIDDEN);
            return;
        }
        chain.doFilter(request, response);
    }
}
