package dev.watchpost.openapi;

import dev.watchpost.web.Templates;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;

/**
 * {@code GET /api/v1/openapi.json} (the document) and {@code GET /api/v1/openapi.html} (the same
 * document as a page). Both always open, whatever {@code auth.public-read} says: the document holds
 * no secrets, only what the routes are, and a client needs it before it has a token.
 */
public final class OpenApiRoutes implements HttpService {

    private final ApiDocument document;
    private final byte[] page;

    public OpenApiRoutes(ApiDocument document) {
        this.document = document;
        // the document does not change while the server runs: the page is rendered once
        this.page = Templates.bytes("openapi/reference.jte", document.page(), 256 * 1024);
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/api/v1/openapi.json", (req, res) -> {
            res.header(HeaderNames.CONTENT_TYPE, "application/json");
            res.header(HeaderNames.CACHE_CONTROL, "public, max-age=300");
            res.send(document.jsonShared());
        });
        rules.get("/api/v1/openapi.html", (req, res) -> {
            res.header(HeaderNames.CONTENT_TYPE, "text/html; charset=utf-8");
            res.header(HeaderNames.CACHE_CONTROL, "public, max-age=300");
            res.send(page);
        });
    }
}
