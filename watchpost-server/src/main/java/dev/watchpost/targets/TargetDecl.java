package dev.watchpost.targets;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.watchpost.composite.CompositeDef;
import dev.watchpost.live.TargetDef;
import dev.watchpost.live.TargetKind;
import dev.watchpost.probe.ProbePlan;

import java.util.Objects;
import java.util.Optional;

/**
 * A target as declared, with what its kind needs beyond the live state's {@link TargetDef}.
 *
 * @param spec      the declaration in its canonical JSON form (what the API shows and stores)
 * @param probe     for http, tcp, tls and stats targets: what to check and how often
 * @param composite for composite targets: its parts and rule
 */
public record TargetDecl(TargetDef def, ObjectNode spec, Optional<ProbePlan> probe, Optional<CompositeDef> composite) {

    public TargetDecl {
        Objects.requireNonNull(def, "def");
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(probe, "probe");
        Objects.requireNonNull(composite, "composite");
    }

    public String id() {
        return def.id();
    }

    /** {@link #spec()} with its secrets hidden: what readers without an admin token see. */
    public ObjectNode redactedSpec() {
        return Specs.redacted(spec);
    }

    public TargetKind kind() {
        return def.kind();
    }

    /**
     * Declared {@code paused: true}: not probed, its lease cannot run out, and it shows maintenance
     * with the message "paused" (the composition root holds it in the live state) until resumed.
     */
    /** The declared tags (alert rules can select targets by them); empty when none. */
    public java.util.Set<String> tags() {
        java.util.Set<String> out = new java.util.LinkedHashSet<>();
        spec.path("tags").forEach(t -> out.add(t.asText()));
        return java.util.Collections.unmodifiableSet(out);
    }

    public boolean paused() {
        return spec.path("paused").asBoolean(false);
    }

    /** The free-text description, when one was declared. */
    public Optional<String> description() {
        return Optional.ofNullable(spec.get("description")).map(com.fasterxml.jackson.databind.JsonNode::asText);
    }
}
