package dev.watchpost.composite;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.watchpost.live.TargetKind;
import dev.watchpost.live.State;
import dev.watchpost.live.TargetView;
import dev.watchpost.targets.Specs;
import dev.watchpost.targets.TargetDecl;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;

/** Composite declarations read by the real parser, and part views, for tests. */
final class Defs {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Defs() {
    }

    /** A composite section as JSON, e.g. {@code {"parts":["a","b"],"required":["a"]}}. */
    static CompositeDef def(String compositeJson) {
        return decl("lab/exp", compositeJson).composite().orElseThrow();
    }

    static TargetDecl decl(String id, String compositeJson) {
        try {
            ObjectNode spec = JSON.createObjectNode();
            spec.put("id", id);
            JsonNode section = JSON.readTree(compositeJson);
            spec.set("composite", section);
            return Specs.target(spec, "test", "api", g -> false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static TargetView view(String id, State state, Instant lastSeen) {
        return view(id, "push", state, lastSeen);
    }

    static TargetView view(String id, String kind, State state, Instant lastSeen) {
        return new TargetView(id, id, TargetKind.parse(kind).orElseThrow(), null, -1, state, 0, lastSeen == null ? -1 : lastSeen.toEpochMilli(),
                Long.MAX_VALUE, null, Double.NaN, null, null);
    }
}
