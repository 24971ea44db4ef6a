package dev.watchpost.admin;

import dev.watchpost.web.ApiException;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The fields of a form post ({@code application/x-www-form-urlencoded}), in order; repeated names keep every value. */
final class Form {

    private final Map<String, List<String>> fields;

    private Form(Map<String, List<String>> fields) {
        this.fields = fields;
    }

    static Form empty() {
        return new Form(Map.of());
    }

    /** @throws ApiException 400 for malformed percent-encoding */
    static Form parse(String encoded) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        if (encoded != null && !encoded.isEmpty()) {
            for (String pair : encoded.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                try {
                    String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                    String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                    out.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
                } catch (IllegalArgumentException e) {
                    throw ApiException.badRequest("the form is not valid form encoding");
                }
            }
        }
        return new Form(out);
    }

    /** The first value, or "" when absent. */
    String get(String name) {
        List<String> v = fields.get(name);
        return v == null || v.isEmpty() ? "" : v.get(0);
    }

    /** The first value stripped of surrounding white space. */
    String trimmed(String name) {
        return get(name).strip();
    }

    boolean has(String name) {
        return fields.containsKey(name);
    }

    /** A checkbox: present with any value but "false". */
    boolean checked(String name) {
        return has(name) && !get(name).equals("false");
    }
}
