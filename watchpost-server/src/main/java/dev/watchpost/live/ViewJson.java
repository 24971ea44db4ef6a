package dev.watchpost.live;

import com.fasterxml.jackson.core.JsonGenerator;

import java.io.IOException;
import java.time.Instant;
import java.util.Map;

/**
 * The one JSON form of targets, groups and transitions, written with a streaming generator so a
 * snapshot of many thousand targets costs no intermediate objects.
 */
public final class ViewJson {

    private ViewJson() {
    }

    public static void target(JsonGenerator g, TargetView v) throws IOException {
        g.writeStartObject();
        g.writeStringField("id", v.id());
        g.writeStringField("name", v.name());
        g.writeStringField("kind", v.kind().id());
        if (v.groupId() != null) {
            g.writeStringField("group", v.groupId());
        }
        if (v.shard() >= 0) {
            g.writeNumberField("shard", v.shard());
        }
        g.writeStringField("state", v.state().id());
        g.writeNumberField("state_code", v.state().code());
        g.writeStringField("severity", v.state().severity().name().toLowerCase());
        time(g, "since", v.since() > 0 ? v.since() : -1);
        time(g, "last_seen", v.lastSeen());
        time(g, "deadline", v.deadline() == Long.MAX_VALUE ? -1 : v.deadline());
        if (v.lease() != null) {
            g.writeStringField("lease", v.lease());
        }
        if (v.message() != null) {
            g.writeStringField("message", v.message());
        }
        if (!Double.isNaN(v.latencyMs())) {
            g.writeNumberField("latency_ms", v.latencyMs());
        }
        if (v.metrics() != null) {
            g.writeFieldName("metrics");
            g.writeTree(v.metrics());
        }
        g.writeEndObject();
    }

    public static void group(JsonGenerator g, GroupView v) throws IOException {
        g.writeStartObject();
        g.writeStringField("id", v.id());
        g.writeStringField("name", v.name());
        if (v.parentId() != null) {
            g.writeStringField("parent", v.parentId());
        }
        if (v.shards() > 0) {
            g.writeNumberField("shards", v.shards());
        }
        if (v.lease() != null) {
            g.writeStringField("lease", v.lease());
        }
        g.writeStringField("severity", v.severity().name().toLowerCase());
        g.writeNumberField("total", v.total());
        g.writeObjectFieldStart("counts");
        for (Map.Entry<State, Integer> e : v.counts().entrySet()) {
            g.writeNumberField(e.getKey().id(), e.getValue());
        }
        g.writeEndObject();
        g.writeEndObject();
    }

    public static void transition(JsonGenerator g, Transition t) throws IOException {
        g.writeStartObject();
        g.writeStringField("target", t.targetId());
        g.writeStringField("from", t.from().id());
        g.writeStringField("to", t.to().id());
        g.writeNumberField("to_code", t.to().code());
        g.writeStringField("severity", t.to().severity().name().toLowerCase());
        g.writeStringField("at", t.at().toString());
        g.writeStringField("reason", t.reason());
        g.writeEndObject();
    }

    private static void time(JsonGenerator g, String field, long ms) throws IOException {
        if (ms < 0) {
            g.writeNullField(field);
        } else {
            g.writeStringField(field, Instant.ofEpochMilli(ms).toString());
        }
    }
}
