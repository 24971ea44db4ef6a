package dev.watchpost.client;

import java.util.Map;

/**
 * One target as Watchpost shows it. {@code since}, {@code lastSeen} are ISO-8601 UTC texts (null
 * when never); {@code latencyMs} is null when none was reported; {@code metrics} never null.
 */
public record Target(String id, String name, String kind, String group, State state, String since,
                     String lastSeen, String message, Double latencyMs, Map<String, Object> metrics) {

    static Target of(Map<String, Object> t) {
        Object latency = t.get("latency_ms");
        return new Target(Json.text(t.get("id")), Json.text(t.get("name")), Json.text(t.get("kind")),
                Json.text(t.get("group")), State.of(Json.text(t.get("state"))), Json.text(t.get("since")),
                Json.text(t.get("last_seen")), Json.text(t.get("message")),
                latency instanceof Number n ? n.doubleValue() : null,
                java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(Json.object(t.get("metrics")))));
    }
}
