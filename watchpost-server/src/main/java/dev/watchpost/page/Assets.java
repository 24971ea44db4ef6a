package dev.watchpost.page;

import dev.watchpost.web.Responses;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * The page's static files, read once from the jar ({@code /page/*} on the class path) and served
 * from memory at {@code /assets/<name>} with a content hash as ETag and a gzip copy made once.
 *
 * <p>Pages link them as {@code /assets/<name>?v=<hash>}: a request carrying the current hash may be
 * cached for a year ({@code immutable}), since a new build changes the link. Any other request
 * (modules imported by relative URL, an old link) gets {@code no-cache} and revalidates with the
 * ETag, so a browser never runs a stale module next to a new page.
 *
 * <p>Besides the jar's files, the page's own look is served the same way ({@link #add}): the accent
 * colour's stylesheet, the logo and the favicon, made or read once at start.
 */
final class Assets {

    /** Every file there is; a fixed list, so nothing else on the class path can be served by accident. */
    static final List<String> NAMES = List.of("page.css", "page.js", "live.js", "guild.js", "motion.js", "pings.js", "tiles.js",
            "days.js", "times.js");

    record Asset(String name, String contentType, byte[] bytes, byte[] gzip, String hash) {
        String etag() {
            return "\"" + hash + "\"";
        }
    }

    /** Filled in the constructor and by {@link #add} before the server starts; only read after. */
    private final Map<String, Asset> byName = new java.util.concurrent.ConcurrentHashMap<>();

    Assets() {
        for (String name : NAMES) {
            byte[] bytes = read("/page/" + name);
            byName.put(name, new Asset(name, type(name), bytes, gzip(bytes), hash(bytes)));
        }
    }

    /**
     * Serves {@code bytes} as {@code /assets/<name>} from now on; made once at start, never changed.
     *
     * @return the URL pages use (content-hashed, like the jar's files)
     */
    String add(String name, String contentType, byte[] bytes) {
        if (byName.containsKey(name)) {
            throw new IllegalArgumentException("asset " + name + " exists");
        }
        byName.put(name, new Asset(name, contentType, bytes.clone(), gzip(bytes), hash(bytes)));
        return url(name);
    }

    /** The asset {@code name}, if there is one. */
    java.util.Optional<Asset> asset(String name) {
        return java.util.Optional.ofNullable(byName.get(name));
    }

    /** The URL pages use: with the content hash, so it can be cached for good. */
    String url(String name) {
        Asset a = byName.get(name);
        if (a == null) {
            throw new IllegalArgumentException("no asset " + name);
        }
        return "/assets/" + name + "?v=" + a.hash();
    }

    /** Answers {@code GET /assets/{name}}; false when there is no such asset. */
    boolean serve(String name, ServerRequest req, ServerResponse res) {
        Asset a = byName.get(name);
        if (a == null) {
            return false;
        }
        boolean versioned = req.query().first("v").asOptional().map(a.hash()::equals).orElse(false);
        res.header(HeaderNames.ETAG, a.etag());
        res.header(HeaderNames.CACHE_CONTROL, versioned ? "public, max-age=31536000, immutable" : "no-cache");
        res.header(HeaderNames.VARY, "Accept-Encoding");
        if (req.headers().first(HeaderNames.IF_NONE_MATCH).map(v -> v.contains(a.etag())).orElse(false)) {
            res.status(Status.NOT_MODIFIED_304).send();
            return true;
        }
        res.header(HeaderNames.CONTENT_TYPE, a.contentType());
        sendMaybeGzip(req, res, a.bytes(), a.gzip());
        return true;
    }

    /** Sends {@code gzip} when the client takes it and it is smaller, else {@code plain}. */
    static void sendMaybeGzip(ServerRequest req, ServerResponse res, byte[] plain, byte[] gzip) {
        if (gzip != null && gzip.length < plain.length
                && req.headers().first(HeaderNames.ACCEPT_ENCODING).map(v -> v.contains("gzip")).orElse(false)) {
            res.header(HeaderNames.CONTENT_ENCODING, "gzip");
            res.send(gzip);
        } else {
            res.send(plain);
        }
    }

    /** The same for bodies sent many times (see {@link Responses}). */
    static void sendMaybeGzip(ServerRequest req, ServerResponse res, Responses.Body plain, Responses.Body gzip) {
        if (gzip.length() < plain.length()
                && req.headers().first(HeaderNames.ACCEPT_ENCODING).map(v -> v.contains("gzip")).orElse(false)) {
            res.header(HeaderNames.CONTENT_ENCODING, "gzip");
            Responses.send(res, gzip);
        } else {
            Responses.send(res, plain);
        }
    }

    static byte[] gzip(byte[] plain) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(plain.length / 4 + 64);
        try (GZIPOutputStream gz = new GZIPOutputStream(out, 8192) {
            {
                def.setLevel(Deflater.BEST_SPEED); // pages are compressed per version; speed over the last few percent
            }
        }) {
            gz.write(plain);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static String hash(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes), 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private static String type(String name) {
        if (name.endsWith(".css")) {
            return "text/css; charset=utf-8";
        }
        if (name.endsWith(".js")) {
            return "text/javascript; charset=utf-8";
        }
        throw new IllegalArgumentException("no content type for " + name);
    }

    private static byte[] read(String path) {
        try (InputStream in = Assets.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing from the jar: " + path);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
