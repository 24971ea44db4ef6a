package dev.watchpost.client;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every group and target at one moment. {@code groups} are as the server sends them
 * ({@code id, name, parent, shards, lease, severity, total, counts}), as maps.
 */
public record Snapshot(String version, String generatedAt, List<Map<String, Object>> groups, List<Target> targets) {

    static Snapshot of(Map<String, Object> s) {
        return new Snapshot(Json.text(s.get("version")), Json.text(s.get("generated_at")),
                Json.list(s.get("groups")).stream().map(Json::object).toList(),
                Json.list(s.get("targets")).stream().map(t -> Target.of(Json.object(t))).toList());
    }

    public Optional<Target> target(String id) {
        return targets.stream().filter(t -> t.id().equals(id)).findFirst();
    }
}
