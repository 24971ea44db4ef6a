package dev.watchpost.compat.stashboard;

import com.fasterxml.jackson.databind.JsonNode;
import dev.watchpost.web.ApiException;
import dev.watchpost.web.Bodies;
import dev.watchpost.web.Json;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The fields of a Stashboard write: a form-encoded body ({@code name=New%20Service&description=...})
 * or a JSON object, then the query string for fields the body lacks (Stashboard's framework read
 * both, and scripts written against it do post {@code ?message=...}). A field given twice keeps its
 * first value. Unknown fields are ignored, as Stashboard did.
 */
final class Fields {

    private final Map<String, String> values;

    private Fields(Map<String, String> values) {
        this.values = values;
    }

    static Fields of(Map<String, String> values) {
        return new Fields(Map.copyOf(values));
    }

    /**
     * Reads the request's fields.
     *
     * @throws ApiException 400 for a body that is not valid JSON or form encoding, 415 for other media types
     */
    static Fields read(ServerRequest req) {
        byte[] body = Bodies.read(req);
        String type = req.headers().first(HeaderNames.CONTENT_TYPE).map(Fields::mediaType).orElse("");
        Map<String, String> values = new HashMap<>();
        if (body.length > 0) {
            if (type.equals("application/json") || type.endsWith("+json")) {
                json(body, values);
            } else if (type.isEmpty() || type.equals("application/x-www-form-urlencoded") || type.equals("text/plain")) {
                form(new String(body, StandardCharsets.UTF_8), values);
            } else {
                throw new ApiException(Status.UNSUPPORTED_MEDIA_TYPE_415, "send the fields form-encoded "
                        + "(application/x-www-form-urlencoded) or as a JSON object (application/json), not " + type);
            }
        }
        String query = req.query().rawValue();
        if (query != null && !query.isEmpty()) {
            Map<String, String> fromQuery = new HashMap<>();
            form(query, fromQuery);
            fromQuery.remove("token"); // the access token, not a field
            fromQuery.forEach(values::putIfAbsent);
        }
        return new Fields(values);
    }

    /** The field's value; empty when it was not given. */
    Optional<String> get(String name) {
        return Optional.ofNullable(values.get(name));
    }

    /** The field's value when it was given and is not blank. */
    Optional<String> nonBlank(String name) {
        return get(name).filter(v -> !v.isBlank());
    }

    /**
     * A yes/no field: {@code true} or {@code false} in any case (form) or a JSON boolean.
     *
     * @throws ApiException 400 for anything else
     */
    Optional<Boolean> bool(String name) {
        Optional<String> v = nonBlank(name);
        if (v.isEmpty()) {
            return Optional.empty();
        }
        return switch (v.get().strip().toLowerCase(Locale.ROOT)) {
            case "true" -> Optional.of(true);
            case "false" -> Optional.of(false);
            default -> throw ApiException.badRequest(name + ": expected true or false, got '" + v.get() + "'");
        };
    }

    private static String mediaType(String header) {
        int semicolon = header.indexOf(';');
        return (semicolon >= 0 ? header.substring(0, semicolon) : header).strip().toLowerCase(Locale.ROOT);
    }

    private static void json(byte[] body, Map<String, String> into) {
        JsonNode tree;
        try {
            tree = Json.BODY.readTree(body);
        } catch (IOException e) {
            throw Json.notJson(e);
        }
        if (tree == null || !tree.isObject()) {
            throw ApiException.badRequest("request body: expected a JSON object of fields");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = tree.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            JsonNode v = f.getValue();
            if (v.isNull()) {
                continue;
            }
            if (!v.isValueNode()) {
                throw ApiException.badRequest(f.getKey() + ": expected a string, got " + v.getNodeType().name().toLowerCase(Locale.ROOT));
            }
            into.put(f.getKey(), v.asText());
        }
    }

    private static void form(String encoded, Map<String, String> into) {
        for (String pair : encoded.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            try {
                String key = URLDecoder.decode(eq >= 0 ? pair.substring(0, eq) : pair, StandardCharsets.UTF_8);
                String value = eq >= 0 ? URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8) : "";
                into.putIfAbsent(key, value);
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest("request body is not valid form encoding near '" + shorten(pair) + "'");
            }
        }
    }

    private static String shorten(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }
}
