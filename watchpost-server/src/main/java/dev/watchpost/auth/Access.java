package dev.watchpost.auth;

import dev.watchpost.web.ApiException;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;

import java.util.Map;
import java.util.Optional;

/**
 * Guards routes by token scope. A token comes from {@code Authorization: Bearer <token>} or, for
 * clients that cannot set headers, the {@code token} query parameter. No or an unknown token is 401;
 * a known token without the needed scope is 403.
 */
public final class Access {

    private final Tokens tokens;
    private final boolean publicRead;

    public Access(Tokens tokens, boolean publicRead) {
        this.tokens = tokens;
        this.publicRead = publicRead;
    }

    /** {@code handler}, answered only for a token whose scope grants {@code scope}. */
    public Handler require(Scope scope, Handler handler) {
        return (req, res) -> {
            authenticate(req, scope);
            handler.handle(req, res);
        };
    }

    /** A route's handler that needs to know who called: a prober's token says which location it may speak for. */
    @FunctionalInterface
    public interface Authorized {
        void handle(ServerRequest req, io.helidon.webserver.http.ServerResponse res, Principal who) throws Exception;
    }

    /** {@code handler}, answered only for a token whose scope grants {@code scope}, and told whose it is. */
    public Handler requireAs(Scope scope, Authorized handler) {
        return (req, res) -> handler.handle(req, res, authenticate(req, scope));
    }

    /** Whether read routes answer without a token ({@code auth.public-read}). */
    public boolean readsArePublic() {
        return publicRead;
    }

    /** {@code handler} for read routes: open when reads are public, else it needs a read token. */
    public Handler read(Handler handler) {
        return publicRead ? handler : require(Scope.READ, handler);
    }

    /**
     * Whether the request may see private targets and groups ({@code public: false}): it carries a
     * valid token that may read (read or admin). Everyone else, on a public read route, sees only
     * what is public ({@link dev.watchpost.live.Snapshot#publicView()},
     * {@link dev.watchpost.live.LiveState#isPublic(String)}). An unknown token is simply anonymous here.
     */
    public boolean seesPrivate(ServerRequest req) {
        return presentedToken(req).flatMap(tokens::authenticate).map(p -> p.scope().grants(Scope.READ)).orElse(false);
    }

    /** {@link #seesPrivate(ServerRequest)} for a WebSocket client presenting {@code token} (or none). */
    public boolean seesPrivate(Optional<String> token) {
        return token.flatMap(tokens::authenticate).map(p -> p.scope().grants(Scope.READ)).orElse(false);
    }

    /**
     * Whether the request carries a valid admin token: only then are secrets (ping keys, probe
     * headers, webhook URLs) shown in reads. No, an unknown or a weaker token is simply false.
     */
    public boolean isAdmin(ServerRequest req) {
        return presentedToken(req).flatMap(tokens::authenticate).map(p -> p.scope().grants(Scope.ADMIN)).orElse(false);
    }

    private Principal authenticate(ServerRequest req, Scope needed) {
        Optional<String> presented = presentedToken(req);
        if (presented.isEmpty()) {
            throw unauthorized("this route needs an API token with scope '" + needed.id()
                    + "': send Authorization: Bearer <token>");
        }
        Principal p = tokens.authenticate(presented.get())
                .orElseThrow(() -> unauthorized("the API token is not valid (unknown or revoked)"));
        if (!p.scope().grants(needed)) {
            throw new ApiException(Status.FORBIDDEN_403, "this route needs a token with scope '" + needed.id()
                    + "'; the token given has scope '" + p.scope().id() + "'",
                    Map.of("required_scope", needed.id()));
        }
        return p;
    }

    /**
     * Whether a client presenting {@code token} (or none) may read: what {@link #read} lets through,
     * for the WebSocket feeds, which are not routes {@link #read} can wrap.
     */
    public boolean mayRead(Optional<String> token) {
        return publicRead || token.flatMap(tokens::authenticate).map(p -> p.scope().grants(Scope.READ)).orElse(false);
    }

    /**
     * The token of a WebSocket upgrade request: {@code Authorization: Bearer}, or {@code ?token=},
     * since a browser cannot set headers on a WebSocket.
     */
    public static Optional<String> upgradeToken(io.helidon.http.HttpPrologue prologue, io.helidon.http.Headers headers) {
        return headers.first(HeaderNames.AUTHORIZATION)
                .map(h -> h.regionMatches(true, 0, "Bearer ", 0, 7) ? h.substring(7) : h).map(String::strip)
                .or(() -> prologue.query().first("token").asOptional()).filter(t -> !t.isBlank());
    }

    private static ApiException unauthorized(String message) {
        return new ApiException(Status.UNAUTHORIZED_401, message);
    }

    static Optional<String> presentedToken(ServerRequest req) {
        Optional<String> header = req.headers().first(HeaderNames.AUTHORIZATION);
        if (header.isPresent()) {
            String h = header.get().trim();
            if (h.regionMatches(true, 0, "Bearer ", 0, 7)) {
                h = h.substring(7).trim();
            }
            return h.isEmpty() ? Optional.empty() : Optional.of(h);
        }
        return req.query().first("token").asOptional().filter(t -> !t.isBlank());
    }
}
