package dev.watchpost.admin;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/** The dashboard's stylesheet and script, from the jar (no CDN). Public: they hold nothing secret. */
final class Assets {

    private static final Map<String, String> TYPES = Map.of(
            "admin.css", "text/css; charset=utf-8",
            "admin.js", "text/javascript; charset=utf-8");
    private static final Map<String, byte[]> CONTENT = load();

    private Assets() {
    }

    private static Map<String, byte[]> load() {
        java.util.HashMap<String, byte[]> m = new java.util.HashMap<>();
        for (String name : TYPES.keySet()) {
            try (InputStream in = Assets.class.getResourceAsStream("/admin/" + name)) {
                if (in == null) {
                    throw new IllegalStateException("missing resource /admin/" + name);
                }
                m.put(name, in.readAllBytes());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return Map.copyOf(m);
    }

    static void serve(ServerRequest req, ServerResponse res) {
        String name = req.path().pathParameters().get("name");
        byte[] body = CONTENT.get(name);
        if (body == null) {
            res.status(Status.NOT_FOUND_404).header(HeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8").send("not found");
            return;
        }
        res.header(HeaderNames.CONTENT_TYPE, TYPES.get(name));
        res.header(HeaderNames.CACHE_CONTROL, "public, max-age=300");
        res.send(body);
    }
}
