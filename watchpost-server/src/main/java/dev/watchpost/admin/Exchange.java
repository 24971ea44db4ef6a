package dev.watchpost.admin;

import dev.watchpost.web.Templates;
import dev.watchpost.web.Times;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;

/**
 * One dashboard request after the gate: the signed-in session, the form posted (empty for GET), the
 * time it is judged at and how its pages write times ({@code status-page.time-zone}).
 */
record Exchange(ServerRequest req, ServerResponse res, Session session, Form form, Instant now, Times times) {

    /** A query parameter, or "" when absent. */
    String query(String name) {
        return req.query().first(name).orElse("");
    }

    Optional<String> queryOptional(String name) {
        return req.query().first(name).asOptional().filter(v -> !v.isEmpty());
    }

    String csrf() {
        return session.csrf();
    }

    /** Renders the dashboard template {@code name} (e.g. {@code "admin/targets.jte"}) with {@code model} and sends it. */
    void page(Status status, String name, Object model) {
        send(res, status, Templates.render(name, model));
    }

    /** 303 to a path of the dashboard (Post/Redirect/Get, so a reload does not post again). */
    void redirect(String location) {
        redirect(res, location);
    }

    static void send(ServerResponse res, Status status, String html) {
        noStore(res);
        res.status(status);
        res.header(HeaderNames.CONTENT_TYPE, "text/html; charset=utf-8");
        res.send(html.getBytes(StandardCharsets.UTF_8));
    }

    static void redirect(ServerResponse res, String location) {
        noStore(res);
        res.status(Status.SEE_OTHER_303);
        res.header(HeaderNames.LOCATION, location);
        res.send();
    }

    /**
     * Dashboard pages hold what only operators may see: never cached. The Referer policy is
     * relaxed to same-origin here (the server's default is no-referrer): with no-referrer a browser
     * sends {@code Origin: null} on form posts, and the same-origin check needs the real origin.
     */
    static void noStore(ServerResponse res) {
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        res.header(HeaderNames.create("Referrer-Policy"), "same-origin");
    }
}
