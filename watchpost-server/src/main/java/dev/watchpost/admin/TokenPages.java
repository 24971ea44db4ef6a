package dev.watchpost.admin;

import dev.watchpost.web.Html;
import dev.watchpost.auth.ApiToken;
import dev.watchpost.auth.Scope;
import dev.watchpost.auth.Tokens;
import io.helidon.http.Status;

import java.util.List;
import java.util.Optional;

/** API tokens: list, create (the token is shown on the answer to the form, once) and revoke. */
final class TokenPages {

    static final int MAX_NAME = 100;

    private final Tokens tokens;
    private final AdminStore store;

    TokenPages(Tokens tokens, AdminStore store) {
        this.tokens = tokens;
        this.store = store;
    }

    void list(Exchange x) {
        page(x, Status.OK_200, null, null);
    }

    private void page(Exchange x, Status status, Tokens.Created created, String error) {
        Html h = Layout.page("Tokens", "tokens", x);
        h.raw("<h1>API tokens</h1>");
        if (created != null) {
            h.raw("<div class=\"card\" id=\"new-token\"><h2>New ").text(created.stored().scope().id()).raw(" token “")
                    .text(created.stored().name()).raw("”</h2><p>Copy it now: it is shown only this once.</p>"
                            + "<p><code class=\"token-once\">").text(created.token()).raw("</code></p></div>");
        }
        if (error != null) {
            Layout.error(h, error);
        }
        List<ApiToken> all = tokens.list();
        if (all.isEmpty()) {
            h.raw("<p class=\"muted\">No tokens issued by Watchpost yet (tokens from the configuration are not listed).</p>");
        } else {
            h.raw("<table id=\"tokens\"><thead><tr><th>#</th><th>Name</th><th>Scope</th><th>Starts with</th><th>Created</th>"
                    + "<th>Last used</th><th></th></tr></thead><tbody>");
            for (ApiToken t : all) {
                h.raw("<tr><td>").text(t.id()).raw("</td><td>").text(t.name()).raw("</td><td>").text(t.scope().id())
                        .raw("</td><td><code>").text(t.hint()).raw("…</code></td><td>");
                Layout.time(h, t.createdAt());
                h.raw("</td><td>");
                if (t.lastUsedAt().isPresent()) {
                    Layout.time(h, t.lastUsedAt().get());
                } else {
                    h.raw("—");
                }
                h.raw("</td><td>");
                if (t.revokedAt().isPresent()) {
                    h.raw("revoked ");
                    Layout.time(h, t.revokedAt().get());
                } else {
                    h.raw("<form method=\"post\" action=\"/admin/tokens/revoke\">");
                    Layout.csrf(h, x);
                    h.raw("<input type=\"hidden\" name=\"id\"").attr("value", Long.toString(t.id()))
                            .raw("><button type=\"submit\" class=\"secondary\">Revoke</button></form>");
                }
                h.raw("</td></tr>");
            }
            h.raw("</tbody></table>");
        }
        h.raw("<h2>New token</h2><form method=\"post\" action=\"/admin/tokens/new\" class=\"card\" id=\"token-form\">");
        Layout.csrf(h, x);
        h.raw("<div class=\"grid\">");
        Layout.input(h, "name", "Name", "", "who uses it, e.g. bots", null, "text", true);
        h.raw("<div class=\"field\"><label for=\"f-scope\">Scope</label><select id=\"f-scope\" name=\"scope\">");
        for (Scope s : List.of(Scope.INGEST, Scope.READ, Scope.ADMIN)) {
            h.raw("<option").attr("value", s.id()).raw(">").text(s.id()).raw("</option>");
        }
        h.raw("</select></div></div><button type=\"submit\">Create token</button></form>");
        x.send(status, Layout.close(h));
    }

    /** Answers with the page itself, not a redirect: the token must not travel in a URL or be shown again on reload. */
    void create(Exchange x) {
        Optional<Scope> scope = Scope.parse(x.form().get("scope"));
        String name = x.form().trimmed("name");
        if (scope.isEmpty()) {
            page(x, Status.BAD_REQUEST_400, null, "Choose a scope: ingest, read or admin.");
            return;
        }
        if (name.isEmpty() || name.length() > MAX_NAME) {
            page(x, Status.BAD_REQUEST_400, null, "The name must be 1-" + MAX_NAME + " characters.");
            return;
        }
        page(x, Status.CREATED_201, tokens.create(scope.get(), name), null);
    }

    void revoke(Exchange x) {
        String raw = x.form().trimmed("id");
        if (!raw.matches("\\d{1,18}") || !tokens.revoke(Long.parseLong(raw))) {
            page(x, Status.NOT_FOUND_404, null, "No active token with id " + raw + ".");
            return;
        }
        store.deleteSessionsOfToken(Long.parseLong(raw)); // sessions it opened end now, not at the next refresh
        x.redirect("/admin/tokens?ok=revoked");
    }
}
