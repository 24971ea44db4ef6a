package dev.watchpost.admin;

import dev.watchpost.auth.Principal;
import dev.watchpost.auth.Scope;
import dev.watchpost.auth.Tokens;
import dev.watchpost.web.Bodies;
import dev.watchpost.web.Templates;
import dev.watchpost.web.Times;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The operator dashboard under {@code /admin}: sign-in, sessions and the checks every request passes
 * before a page runs.
 *
 * <ul>
 *   <li><b>Sign-in</b> with an admin token or the password set by {@code watchpost password set};
 *       at most {@link #MAX_FAILURES} failures per client address per minute (then 429).</li>
 *   <li><b>Session cookie</b> {@value #COOKIE}: a random 256-bit id, {@code HttpOnly; SameSite=Strict;
 *       Path=/admin}, {@code Secure} when {@code server.public-url} is https.</li>
 *   <li><b>Every POST</b> must come from a page of this origin ({@code Origin}, else {@code Referer},
 *       when the browser sends one) and carry the session's synchronizer token in the {@code csrf}
 *       field; otherwise it is refused with 403 and nothing changes. The sign-in form, having no
 *       session yet, carries a token paired with a short-lived cookie instead.</li>
 * </ul>
 */
public final class AdminRoutes implements HttpService {

    private static final Logger LOG = LoggerFactory.getLogger(AdminRoutes.class);

    static final String COOKIE = "wp_admin";
    static final String LOGIN_COOKIE = "wp_admin_login";
    static final int MAX_FAILURES = 5;
    static final Duration FAILURE_WINDOW = Duration.ofMinutes(1);

    /**
     * What the dashboard's pages work with, built by the composition root.
     *
     * @param targetPages the status page's target pages, whose history section (uptime, day bars,
     *                    response-time chart) a target's page here shows too
     */
    public record Services(dev.watchpost.live.LiveState live, dev.watchpost.targets.Topology topology,
                           dev.watchpost.targets.TopologyStore topologyStore, dev.watchpost.manual.ManualService manual,
                           dev.watchpost.notice.NoticeService notices, Tokens tokens,
                           dev.watchpost.alert.AlertEngine alerts, dev.watchpost.cluster.ClusterStatus cluster,
                           dev.watchpost.probe.ProbeScheduler probes, dev.watchpost.page.TargetRoutes targetPages) {
    }

    /** A page handler, run once the request passed the gate. */
    @FunctionalInterface
    interface Page {
        void handle(Exchange x) throws Exception;
    }

    private final Tokens tokens;
    private final AdminStore store;
    private final Sessions sessions;
    private final LoginThrottle throttle = new LoginThrottle(MAX_FAILURES, FAILURE_WINDOW);
    private final Clock clock;
    private final boolean secureCookies;
    private final Optional<URI> publicUrl;
    private final TargetPages targets;
    private final GroupPages groups;
    private final NoticePages noticePages;
    private final TokenPages tokenPages;
    private final AlertPages alertPages;
    private final ClusterPages clusterPages;
    private final Times times;

    /** @param times how the dashboard writes times: as the status page and alerts do ({@code status-page.time-zone}) */
    public AdminRoutes(Services s, dev.watchpost.store.Database db, Clock clock, Optional<URI> publicUrl, Times times) {
        this.tokens = s.tokens();
        this.store = new AdminStore(db);
        this.clock = clock;
        this.times = java.util.Objects.requireNonNull(times, "times");
        this.sessions = new Sessions(store, s.tokens(), clock, SessionPolicy.DEFAULT);
        this.publicUrl = publicUrl;
        this.secureCookies = publicUrl.map(u -> "https".equalsIgnoreCase(u.getScheme())).orElse(false);
        this.targets = new TargetPages(s.live(), s.topology(), s.topologyStore(), s.manual(), s.probes(), s.alerts(),
                s.targetPages());
        this.groups = new GroupPages(s.live(), s.topology());
        this.noticePages = new NoticePages(s.notices(), s.live(), times);
        this.tokenPages = new TokenPages(s.tokens(), store);
        this.alertPages = new AlertPages(s.alerts());
        this.clusterPages = new ClusterPages(s.cluster());
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/admin", (req, res) -> Exchange.redirect(res, "/admin/targets"))
                .get("/admin/", (req, res) -> Exchange.redirect(res, "/admin/targets"))
                .get("/admin/login", this::loginPage)
                .post("/admin/login", this::login)
                .post("/admin/logout", gate(this::logout))
                .get("/admin/assets/{name}", Assets::serve)
                .get("/admin/targets", gate(targets::list))
                .get("/admin/targets/new", gate(targets::newForm))
                .post("/admin/targets/new", gate(targets::create))
                .get("/admin/target", gate(targets::detail))
                .get("/admin/target/edit", gate(targets::editForm))
                .post("/admin/target/edit", gate(targets::save))
                .post("/admin/target/pause", gate(x -> targets.pause(x, true)))
                .post("/admin/target/resume", gate(x -> targets.pause(x, false)))
                .get("/admin/target/delete", gate(targets::confirmDelete))
                .post("/admin/target/delete", gate(targets::delete))
                .post("/admin/target/status", gate(targets::setStatus))
                .post("/admin/target/check", gate(targets::checkNow))
                .get("/admin/groups", gate(groups::list))
                .post("/admin/groups/new", gate(groups::create))
                .get("/admin/group", gate(groups::detail))
                .post("/admin/group/edit", gate(groups::save))
                .get("/admin/group/delete", gate(groups::confirmDelete))
                .post("/admin/group/delete", gate(groups::delete))
                .get("/admin/notices", gate(noticePages::list))
                .get("/admin/notices/new", gate(noticePages::newForm))
                .post("/admin/notices/new", gate(noticePages::create))
                .get("/admin/notice", gate(noticePages::detail))
                .post("/admin/notice/update", gate(noticePages::addUpdate))
                .post("/admin/notice/edit", gate(noticePages::save))
                .get("/admin/notice/delete", gate(noticePages::confirmDelete))
                .post("/admin/notice/delete", gate(noticePages::delete))
                .get("/admin/tokens", gate(tokenPages::list))
                .post("/admin/tokens/new", gate(tokenPages::create))
                .post("/admin/tokens/revoke", gate(tokenPages::revoke))
                .get("/admin/alerts", gate(alertPages::list))
                .post("/admin/alerts/test", gate(alertPages::test))
                .get("/admin/cluster", gate(clusterPages::show));
    }

    // ---------------------------------------------------------------- the gate

    /**
     * Runs {@code page} for a signed-in session; a POST must also be same-origin and carry the
     * session's token. Without a session: a GET goes to the sign-in page, a POST is refused.
     */
    private Handler gate(Page page) {
        return (req, res) -> {
            boolean post = req.prologue().method().text().equals("POST");
            Optional<Session> session = cookie(req, COOKIE).flatMap(sessions::find);
            if (session.isEmpty()) {
                if (post) {
                    refuse(res, Status.FORBIDDEN_403, "You are not signed in (or your session ended), so nothing was "
                            + "changed. Sign in and try again.");
                } else {
                    String next = req.path().path() + req.query().rawValue().transform(q -> q.isEmpty() ? "" : "?" + q);
                    Exchange.redirect(res, "/admin/login?next=" + Layout.url(next));
                }
                return;
            }
            Form form = Form.empty();
            if (post) {
                if (!sameOrigin(req)) {
                    LOG.warn("event=admin.cross_origin_refused path={}", req.path().path());
                    refuse(res, Status.FORBIDDEN_403, "This form was sent from another site, so it was refused and "
                            + "nothing was changed.");
                    return;
                }
                form = Form.parse(new String(Bodies.read(req), StandardCharsets.UTF_8));
                if (!equal(form.get("csrf"), session.get().csrf())) {
                    LOG.warn("event=admin.csrf_refused path={}", req.path().path());
                    refuse(res, Status.FORBIDDEN_403, "This form is out of date or was not sent by the dashboard, so "
                            + "nothing was changed. Go back, reload the page and try again.");
                    return;
                }
            }
            page.handle(new Exchange(req, res, session.get(), form, clock.instant(), times));
        };
    }

    private static boolean equal(String presented, String expected) {
        return !presented.isEmpty() && MessageDigest.isEqual(presented.getBytes(StandardCharsets.UTF_8),
                expected.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * True unless the browser says the request came from another origin. {@code Origin} first, then
     * {@code Referer}; a request with neither is not from a browser form (browsers send Origin on
     * every POST) and still needs the token. {@code Origin: null} (sandboxed or privacy-stripped
     * contexts) is refused: the dashboard never sends one.
     */
    boolean sameOrigin(ServerRequest req) {
        Optional<String> origin = req.headers().first(HeaderNames.ORIGIN);
        Optional<String> referer = req.headers().first(HeaderNames.REFERER);
        Optional<String> claimed = origin.isPresent() ? origin : referer;
        if (claimed.isEmpty()) {
            return true;
        }
        URI uri;
        try {
            uri = URI.create(claimed.get().strip());
        } catch (IllegalArgumentException e) {
            return false;
        }
        if (uri.getScheme() == null || uri.getHost() == null) {
            return false;
        }
        int port = uri.getPort() >= 0 ? uri.getPort() : defaultPort(uri.getScheme());
        if (publicUrl.isPresent()) {
            URI p = publicUrl.get();
            int pPort = p.getPort() >= 0 ? p.getPort() : defaultPort(p.getScheme());
            if (p.getScheme().equalsIgnoreCase(uri.getScheme()) && p.getHost() != null
                    && p.getHost().equalsIgnoreCase(uri.getHost()) && pPort == port) {
                return true;
            }
        }
        // The address the browser connected to: its Host header.
        String host = req.headers().first(HeaderNames.HOST).orElse("");
        String hostName = host;
        int hostPort = defaultPort(uri.getScheme());
        int colon = host.lastIndexOf(':');
        if (colon > 0 && host.indexOf(']') < colon && host.substring(colon + 1).matches("\\d{1,5}")) {
            hostName = host.substring(0, colon);
            hostPort = Integer.parseInt(host.substring(colon + 1));
        }
        return hostName.equalsIgnoreCase(uri.getHost()) && hostPort == port;
    }

    private static int defaultPort(String scheme) {
        return "https".equalsIgnoreCase(scheme) ? 443 : 80;
    }

    static Optional<String> cookie(ServerRequest req, String name) {
        return req.headers().cookies().first(name).asOptional();
    }

    private void refuse(ServerResponse res, Status status, String message) {
        Exchange.send(res, status, Templates.render("admin/refused.jte", message));
    }

    // ---------------------------------------------------------------- sign-in

    /**
     * The sign-in page ({@code admin/login.jte}).
     *
     * @param action     where both forms post, keeping {@code ?next=}
     * @param loginToken pairs the forms with the short-lived sign-in cookie
     * @param error      why the last attempt failed, or null
     */
    record Login(String action, String loginToken, boolean hasPassword, boolean signedOut, String error) {
    }

    private void loginPage(ServerRequest req, ServerResponse res) {
        if (cookie(req, COOKIE).flatMap(sessions::find).isPresent()) {
            Exchange.redirect(res, next(req.query().first("next").orElse("")));
            return;
        }
        showLogin(req, res, Status.OK_200, null, req.query().first("bye").isPresent());
    }

    private void showLogin(ServerRequest req, ServerResponse res, Status status, String error, boolean signedOut) {
        String loginToken = Sessions.random();
        res.headers().add(HeaderNames.SET_COOKIE, cookieHeader(LOGIN_COOKIE, loginToken, "/admin/login", Duration.ofHours(1)));
        String next = req.query().first("next").orElse("");
        String action = "/admin/login" + (next.isEmpty() ? "" : "?next=" + Layout.url(next));
        Exchange.send(res, status, Templates.render("admin/login.jte",
                new Login(action, loginToken, store.passwordHash().isPresent(), signedOut, error)));
    }

    private void login(ServerRequest req, ServerResponse res) {
        if (!sameOrigin(req)) {
            refuse(res, Status.FORBIDDEN_403, "This sign-in was sent from another site, so it was refused.");
            return;
        }
        Form form = Form.parse(new String(Bodies.read(req), StandardCharsets.UTF_8));
        Optional<String> paired = cookie(req, LOGIN_COOKIE);
        if (paired.isEmpty() || !equal(form.get("login_csrf"), paired.get())) {
            refuse(res, Status.FORBIDDEN_403, "This sign-in form is out of date. Reload the sign-in page and try again.");
            return;
        }
        String client = req.remotePeer().host();
        Instant now = clock.instant();
        Optional<Duration> wait = throttle.wait(client, now);
        if (wait.isPresent()) {
            long seconds = Math.max(1, (wait.get().toMillis() + 999) / 1000);
            res.header(HeaderNames.RETRY_AFTER, Long.toString(seconds));
            LOG.warn("event=admin.sign_in_throttled client={}", client);
            showLogin(req, res, Status.TOO_MANY_REQUESTS_429, "Too many failed sign-ins from your address. Try again in "
                    + seconds + " seconds.", false);
            return;
        }
        Optional<Sessions.Opened> opened = switch (form.get("method")) {
            case "password" -> passwordSignIn(form.get("password"));
            case "token" -> tokenSignIn(form.get("token").strip());
            default -> Optional.empty();
        };
        if (opened.isEmpty()) {
            throttle.failed(client, now);
            LOG.warn("event=admin.sign_in_failed client={} method={}", client, form.get("method").equals("token") ? "token" : "password");
            showLogin(req, res, Status.UNAUTHORIZED_401, form.get("method").equals("token")
                    ? "That token cannot sign in: it is unknown, revoked, or not an admin token."
                    : "Wrong password.", false);
            return;
        }
        throttle.succeeded(client);
        LOG.info("event=admin.signed_in client={} via={}", client, opened.get().session().via());
        res.headers().add(HeaderNames.SET_COOKIE, cookieHeader(COOKIE, opened.get().cookie(), "/admin",
                sessions.policy().absolute()));
        res.headers().add(HeaderNames.SET_COOKIE, cookieHeader(LOGIN_COOKIE, "", "/admin/login", Duration.ZERO));
        Exchange.redirect(res, next(req.query().first("next").orElse("")));
    }

    private Optional<Sessions.Opened> passwordSignIn(String password) {
        Optional<String> hash = store.passwordHash();
        if (hash.isEmpty() || password.isEmpty() || password.length() > Passwords.MAX_LENGTH) {
            return Optional.empty();
        }
        char[] chars = password.toCharArray();
        try {
            return Passwords.verify(chars, hash.get()) ? Optional.of(sessions.open("password", Optional.empty())) : Optional.empty();
        } finally {
            Passwords.wipe(chars);
        }
    }

    private Optional<Sessions.Opened> tokenSignIn(String token) {
        Optional<Principal> p = tokens.authenticate(token).filter(x -> x.scope() == Scope.ADMIN);
        return p.map(x -> sessions.open("token", x.tokenId() > 0 ? Optional.of(x.tokenId()) : Optional.empty()));
    }

    private void logout(Exchange x) {
        sessions.close(x.session());
        x.res().headers().add(HeaderNames.SET_COOKIE, cookieHeader(COOKIE, "", "/admin", Duration.ZERO));
        LOG.info("event=admin.signed_out via={}", x.session().via());
        x.redirect("/admin/login?bye");
    }

    /** Where to go after sign-in: a dashboard path only, so the parameter cannot send anyone elsewhere. */
    static String next(String requested) {
        if (requested.startsWith("/admin/") && !requested.startsWith("/admin/login") && !requested.contains("//")
                && !requested.contains("\\") && requested.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            return requested;
        }
        return "/admin/targets";
    }

    String cookieHeader(String name, String value, String path, Duration maxAge) {
        return name + "=" + value + "; Path=" + path + "; Max-Age=" + maxAge.toSeconds() + "; HttpOnly; SameSite=Strict"
                + (secureCookies ? "; Secure" : "");
    }
}
