package dev.watchpost.admin;

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

    /** The tokens page ({@code admin/tokens.jte}); {@code created} (shown once) and {@code error} may be null. */
    record Page(Layout.Shell shell, Tokens.Created created, String error, List<ApiToken> tokens, Layout.Input name,
                List<Layout.Option> scopes) {
    }

    private void page(Exchange x, Status status, Tokens.Created created, String error) {
        List<Layout.Option> scopes = List.of(Scope.INGEST, Scope.READ, Scope.ADMIN).stream()
                .map(s -> new Layout.Option(s.id(), s.id(), false)).toList();
        x.page(status, "admin/tokens.jte", new Page(Layout.shell("Tokens", "tokens", x), created, error, tokens.list(),
                Layout.Input.text("name", "Name", "", "who uses it, e.g. bots").asRequired(), scopes));
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
