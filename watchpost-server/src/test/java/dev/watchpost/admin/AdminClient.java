package dev.watchpost.admin;

import dev.watchpost.testing.Http;

import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A browser's part of the dashboard, by hand over java.net.http: cookies kept explicitly (so tests
 * can send a session without its token, or a token without its session), the page's own origin
 * sent on posts unless a test says otherwise.
 */
final class AdminClient {

    private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");
    private static final Pattern LOGIN_CSRF = Pattern.compile("name=\"login_csrf\" value=\"([^\"]+)\"");

    final Http http;
    final String origin;
    String session;
    String loginCookie;

    AdminClient(int port) {
        this.http = new Http(port);
        this.origin = "http://127.0.0.1:" + port;
    }

    HttpResponse<String> get(String path) {
        HttpRequest.Builder b = http.request(path).GET();
        if (session != null) {
            b.header("Cookie", AdminRoutes.COOKIE + "=" + session);
        }
        return http.send(b.build());
    }

    /** Posts a form with the session cookie (if any) and {@code headers} (Origin defaults to this server's). */
    HttpResponse<String> post(String path, Map<String, String> fields, Map<String, String> headers) {
        HttpRequest.Builder b = http.request(path).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(encode(fields)));
        Map<String, String> h = new LinkedHashMap<>(headers);
        if (!h.containsKey("Origin")) { // a null value means: send none
            h.put("Origin", origin);
        }
        h.forEach((k, v) -> {
            if (v != null) {
                b.header(k, v);
            }
        });
        StringBuilder cookies = new StringBuilder();
        if (session != null) {
            cookies.append(AdminRoutes.COOKIE).append('=').append(session);
        }
        if (loginCookie != null && path.startsWith("/admin/login")) {
            cookies.append(cookies.isEmpty() ? "" : "; ").append(AdminRoutes.LOGIN_COOKIE).append('=').append(loginCookie);
        }
        if (!cookies.isEmpty()) {
            b.header("Cookie", cookies.toString());
        }
        return http.send(b.build());
    }

    HttpResponse<String> post(String path, Map<String, String> fields) {
        return post(path, fields, Map.of());
    }

    /** Posts with the session's CSRF token, read from {@code page} as a browser would have it. */
    HttpResponse<String> submit(String page, String action, Map<String, String> fields) {
        Map<String, String> all = new LinkedHashMap<>(fields);
        all.put("csrf", csrf(page));
        return post(action, all);
    }

    String csrf(String page) {
        HttpResponse<String> r = get(page);
        Matcher m = CSRF.matcher(r.body());
        if (!m.find()) {
            throw new AssertionError("no csrf field on " + page + ": " + r.statusCode() + " " + r.body());
        }
        return m.group(1);
    }

    /** Opens the sign-in page: keeps its paired cookie and returns the form's token. */
    String openLogin() {
        HttpResponse<String> page = http.get("/admin/login");
        loginCookie = cookie(page, AdminRoutes.LOGIN_COOKIE).orElseThrow();
        Matcher m = LOGIN_CSRF.matcher(page.body());
        if (!m.find()) {
            throw new AssertionError("no login_csrf on the sign-in page");
        }
        return m.group(1);
    }

    HttpResponse<String> signIn(String method, String secret) {
        String token = openLogin();
        HttpResponse<String> r = post("/admin/login", Map.of("method", method, method.equals("token") ? "token" : "password",
                secret, "login_csrf", token));
        cookie(r, AdminRoutes.COOKIE).filter(v -> !v.isEmpty()).ifPresent(v -> session = v);
        return r;
    }

    void signInWithToken(String token) {
        HttpResponse<String> r = signIn("token", token);
        if (r.statusCode() != 303 || session == null) {
            throw new AssertionError("sign-in failed: " + r.statusCode() + " " + r.body());
        }
    }

    /** The raw Set-Cookie header for {@code name}. */
    static Optional<String> setCookie(HttpResponse<?> r, String name) {
        return r.headers().allValues("set-cookie").stream().filter(c -> c.startsWith(name + "=")).findFirst();
    }

    static Optional<String> cookie(HttpResponse<?> r, String name) {
        return setCookie(r, name).map(c -> c.substring(name.length() + 1, c.indexOf(';') < 0 ? c.length() : c.indexOf(';')));
    }

    static String encode(Map<String, String> fields) {
        return fields.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
    }
}
