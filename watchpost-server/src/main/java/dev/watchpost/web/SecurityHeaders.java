package dev.watchpost.web;

import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

import java.util.List;

/** Hardening headers on every response, set before the handler runs so that error answers carry them too. */
final class SecurityHeaders implements Filter {

    /**
     * Scripts, styles and images only from Watchpost itself; no framing; no inline script. Pages that
     * need more (none so far) must say so explicitly.
     */
    static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    static final List<Header> ALL = List.of(
            HeaderValues.createCached(HeaderNames.create("X-Frame-Options"), "DENY"),
            HeaderValues.createCached(HeaderNames.create("X-Content-Type-Options"), "nosniff"),
            HeaderValues.createCached(HeaderNames.create("Referrer-Policy"), "no-referrer"),
            HeaderValues.createCached(HeaderNames.create("Content-Security-Policy"), CSP),
            HeaderValues.createCached(HeaderNames.create("Cross-Origin-Opener-Policy"), "same-origin"));

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        for (Header h : ALL) {
            res.header(h);
        }
        chain.proceed();
    }
}
