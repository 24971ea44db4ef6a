package dev.watchpost.client;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/** Synchronous calls: one request, its JSON answer, or a {@link WatchpostException}. */
final class Api {

    static final String USER_AGENT = "watchpost-client-java/1";

    private final HttpClient http;
    private final URI base;
    private final Duration timeout;

    Api(HttpClient http, URI base, Duration timeout) {
        this.http = http;
        this.base = base;
        this.timeout = timeout;
    }

    HttpClient http() {
        return http;
    }

    HttpRequest.Builder request(String path, String token) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout)
                .header("User-Agent", USER_AGENT);
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return b;
    }

    /** Sends {@code body} (JSON, or none when null) and answers the parsed JSON (an empty map for no content). */
    Map<String, Object> call(String method, String path, Object body, String token) {
        HttpRequest.Builder b = request(path, token);
        if (body == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            b.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(Json.write(body)));
        }
        HttpResponse<String> r = send(b.build());
        return Json.object(parse(r));
    }

    /** Sends a plain-text body (pings). */
    void text(String path, String body) {
        HttpRequest.Builder b = request(path, null).header("Content-Type", "text/plain; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(body == null ? "" : body));
        send(b.build());
    }

    HttpResponse<String> send(HttpRequest request) {
        HttpResponse<String> r;
        try {
            r = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            // The URL names the server only: paths may hold a ping key, which is a secret.
            throw new WatchpostException(0, "could not reach Watchpost at " + base + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WatchpostException(0, "interrupted while calling Watchpost", e);
        }
        if (r.statusCode() >= 400) {
            throw new WatchpostException(r.statusCode(), errorOf(r.statusCode(), r.body()), null);
        }
        return r;
    }

    private static Object parse(HttpResponse<String> r) {
        String body = r.body();
        if (body == null || body.isBlank()) {
            return Map.of();
        }
        try {
            return Json.parse(body);
        } catch (IllegalArgumentException e) {
            throw new WatchpostException(r.statusCode(), "the answer is not JSON (" + e.getMessage() + ")", e);
        }
    }

    /** The server's JSON {@code error}, or the start of whatever it sent (a proxy's page). */
    static String errorOf(int status, String body) {
        try {
            Object error = Json.object(Json.parse(body)).get("error");
            if (error != null) {
                return error.toString();
            }
        } catch (IllegalArgumentException notJson) {
            // fall through
        }
        String text = body == null ? "" : body.strip();
        return text.isEmpty() ? "HTTP " + status : text.substring(0, Math.min(200, text.length()));
    }

    static String segment(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** A target or group id in a path: its slashes stay (ids like {@code bots/main/0} are paths on the server). */
    static String id(String id) {
        if (id == null || id.isEmpty()) {
            throw new IllegalArgumentException("an id is required");
        }
        StringBuilder b = new StringBuilder();
        for (String part : id.split("/", -1)) {
            if (b.length() > 0) {
                b.append('/');
            }
            b.append(segment(part));
        }
        return b.toString();
    }
}
