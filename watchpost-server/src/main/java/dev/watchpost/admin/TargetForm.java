package dev.watchpost.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The target form, pure: which fields each kind has, a form's fields as the same declaration JSON
 * the API takes, and a declaration back as field values. Editing starts from the stored declaration
 * and changes only the fields the form shows, so settings it has no field for (HTTP headers, a
 * body) survive an edit. Validation is {@code targets.Specs}' job; its errors name the key, which
 * {@link #fieldOf} maps back to a field.
 */
final class TargetForm {

    /**
     * One field: {@code name} is the form's name and the declaration's path ({@code http.expect.status}).
     *
     * @param number written as a JSON number when it is one (ports, thresholds)
     */
    record Field(String name, String label, String hint, boolean number) {
        /** The key within the kind's section ({@code expect.status}). */
        String key() {
            return name.substring(name.indexOf('.') + 1);
        }
    }

    /** Kinds the form can make, in menu order (composites are declared as JSON). */
    static final List<String> KINDS = List.of("push", "http", "tcp", "tls", "stats", "manual");

    static final Map<String, List<Field>> FIELDS = new LinkedHashMap<>();

    static {
        FIELDS.put("push", List.of(
                f("push.every", "Reports every", "e.g. 30s; down after every + grace of silence"),
                f("push.grace", "Grace", "default: a fifth of every, at least 5s"),
                f("push.timeout", "Or: timeout", "silence allowed, instead of every + grace"),
                f("push.schedule", "Or: cron schedule", "e.g. 0 3 * * * (with grace, default 1h)"),
                f("push.timezone", "Time zone", "for the schedule, e.g. Europe/Berlin (default UTC)")));
        FIELDS.put("http", List.of(
                f("http.url", "URL", "https://example.com/health"),
                f("http.method", "Method", "default GET"),
                f("http.every", "Every", "default 60s"),
                f("http.timeout", "Timeout", "default 10s"),
                f("http.expect.status", "Expected status", "default 200-299"),
                f("http.expect.body-contains", "Body contains", "a keyword, case-sensitive"),
                f("http.expect.faster-than", "Faster than", "slower answers make it degraded, e.g. 800ms"),
                n("http.failure-threshold", "Failures before down", "default 3"),
                n("http.success-threshold", "Successes before up", "default 2")));
        FIELDS.put("tcp", List.of(
                f("tcp.host", "Host", "db.internal"),
                n("tcp.port", "Port", "5432"),
                f("tcp.every", "Every", "default 60s"),
                f("tcp.timeout", "Timeout", "default 5s"),
                n("tcp.failure-threshold", "Failures before down", "default 3"),
                n("tcp.success-threshold", "Successes before up", "default 2")));
        FIELDS.put("tls", List.of(
                f("tls.host", "Host", "example.com"),
                n("tls.port", "Port", "default 443"),
                f("tls.warn-before", "Warn before expiry", "default 14d"),
                f("tls.every", "Every", "default 1h")));
        FIELDS.put("stats", List.of(
                f("stats.url", "Agent URL", "http://10.0.0.5:9191/platy"),
                f("stats.every", "Every", "default 5m"),
                f("stats.timeout", "Timeout", "default 5s")));
        FIELDS.put("manual", List.of());
    }

    private TargetForm() {
    }

    private static Field f(String name, String label, String hint) {
        return new Field(name, label, hint, false);
    }

    private static Field n(String name, String label, String hint) {
        return new Field(name, label, hint, true);
    }

    /**
     * The declaration a form describes.
     *
     * @param base the stored declaration when editing (its other settings are kept), empty when creating
     */
    static ObjectNode toSpec(String kind, Form form, Optional<JsonNode> base) {
        ObjectNode spec = base.filter(JsonNode::isObject).map(b -> ((ObjectNode) b).deepCopy())
                .orElseGet(JsonNodeFactory.instance::objectNode);
        for (String k : List.of("push", "http", "tcp", "tls", "stats", "manual", "composite")) {
            if (!k.equals(kind)) {
                spec.remove(k);
            }
        }
        if (base.isEmpty()) {
            set(spec, "id", form.trimmed("id"), false);
        }
        set(spec, "name", form.trimmed("name"), false);
        set(spec, "group", form.trimmed("group"), false);
        set(spec, "description", form.trimmed("description"), false);
        if (form.checked("paused")) {
            spec.put("paused", true);
        } else {
            spec.remove("paused");
        }
        if (form.checked("private")) {
            spec.put("public", false);
        } else {
            spec.remove("public");
        }
        JsonNode existing = spec.get(kind);
        ObjectNode section = existing != null && existing.isObject() ? (ObjectNode) existing
                : JsonNodeFactory.instance.objectNode();
        for (Field f : FIELDS.getOrDefault(kind, List.of())) {
            String key = f.key();
            if (key.startsWith("expect.")) {
                JsonNode e = section.get("expect");
                ObjectNode expect = e != null && e.isObject() ? (ObjectNode) e : JsonNodeFactory.instance.objectNode();
                set(expect, key.substring("expect.".length()), form.trimmed(f.name()), false);
                if (expect.isEmpty()) {
                    section.remove("expect");
                } else {
                    section.set("expect", expect);
                }
            } else {
                set(section, key, form.trimmed(f.name()), f.number());
            }
        }
        spec.set(kind, section);
        return spec;
    }

    private static void set(ObjectNode o, String key, String value, boolean number) {
        if (value.isEmpty()) {
            o.remove(key);
        } else if (number && value.matches("\\d{1,9}")) {
            o.put(key, Integer.parseInt(value));
        } else {
            o.put(key, value);
        }
    }

    /** A declaration's values by field name (common fields, and the kind's), for filling the form. */
    static Map<String, String> values(JsonNode spec, String kind) {
        Map<String, String> v = new LinkedHashMap<>();
        for (String k : List.of("id", "name", "group", "description")) {
            if (spec.hasNonNull(k)) {
                v.put(k, spec.get(k).asText());
            }
        }
        if (spec.path("paused").asBoolean(false)) {
            v.put("paused", "on");
        }
        if (!spec.path("public").asBoolean(true)) {
            v.put("private", "on");
        }
        JsonNode section = spec.path(kind);
        for (Field f : FIELDS.getOrDefault(kind, List.of())) {
            JsonNode node = section;
            for (String part : f.key().split("\\.")) {
                node = node.path(part);
            }
            if (node.isValueNode() && !node.isNull()) {
                v.put(f.name(), node.asText());
            }
        }
        return v;
    }

    /** The submitted values of a form, for showing it again as typed. */
    static Map<String, String> values(Form form, String kind) {
        Map<String, String> v = new LinkedHashMap<>();
        for (String k : List.of("id", "name", "group", "description")) {
            v.put(k, form.get(k));
        }
        if (form.checked("paused")) {
            v.put("paused", "on");
        }
        if (form.checked("private")) {
            v.put("private", "on");
        }
        for (Field f : FIELDS.getOrDefault(kind, List.of())) {
            v.put(f.name(), form.get(f.name()));
        }
        return v;
    }

    /**
     * The field an error of {@code Specs} is about ({@code body.http.every: ...} → {@code http.every};
     * {@code body: 'id' is required} → {@code id}), or empty when it names none.
     */
    static Optional<String> fieldOf(String error, String kind) {
        if (error == null || !error.startsWith("body")) {
            return Optional.empty();
        }
        int colon = error.indexOf(": ");
        String where = colon < 0 ? error : error.substring(0, colon);
        String path = where.equals("body") ? "" : where.substring("body.".length());
        if (path.isEmpty()) {
            for (String k : List.of("id", "name", "group", "description")) {
                if (error.contains("'" + k + "'")) {
                    return Optional.of(k);
                }
            }
            if (error.contains("target id")) {
                return Optional.of("id");
            }
            if (error.contains("names group")) {
                return Optional.of("group");
            }
            return Optional.empty();
        }
        for (Field f : FIELDS.getOrDefault(kind, List.of())) {
            if (path.equals(f.name()) || path.startsWith(f.name() + ".") || path.startsWith(f.name() + "[")) {
                return Optional.of(f.name());
            }
        }
        return List.of("id", "name", "group", "description", "paused", "public").contains(path) ? Optional.of(path) : Optional.empty();
    }
}
