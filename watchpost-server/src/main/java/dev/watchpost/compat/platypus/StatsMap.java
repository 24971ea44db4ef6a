package dev.watchpost.compat.platypus;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.watchpost.live.TargetView;
import dev.watchpost.web.Json;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.List;

/**
 * What Platypus's page reads from {@code /getstats}: a JSON object of hostname →
 * {@code {"stats": {"hostname","cpu","memory","disk","secret"}, "online"}}, keys sorted (as Go
 * writes a map). The secret is always empty, as the original blanks it before keeping the stats.
 */
final class StatsMap {

    private StatsMap() {
    }

    /** @param hosts the targets of the Platypus group; each is keyed by its name (the hostname the agent sent) */
    static String json(List<TargetView> hosts) {
        List<TargetView> sorted = hosts.stream().sorted(Comparator.comparing(TargetView::name)).toList();
        return new String(Json.bytes(g -> {
            g.writeStartObject();
            for (TargetView v : sorted) {
                g.writeObjectFieldStart(v.name());
                g.writeObjectFieldStart("stats");
                g.writeStringField("hostname", v.name());
                figure(g, v, "cpu");
                figure(g, v, "memory");
                figure(g, v, "disk");
                g.writeStringField("secret", "");
                g.writeEndObject();
                g.writeBooleanField("online", v.state().up());
                g.writeEndObject();
            }
            g.writeEndObject();
        }), StandardCharsets.UTF_8);
    }

    /** Whole numbers without a fraction ({@code 6}, not {@code 6.0}), as Go writes a float64. */
    private static void figure(JsonGenerator g, TargetView v, String key) throws IOException {
        JsonNode n = v.metrics() == null ? null : v.metrics().get(key);
        double d = n != null && n.isNumber() ? n.doubleValue() : 0;
        g.writeFieldName(key);
        if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            g.writeNumber((long) d);
        } else {
            g.writeNumber(d);
        }
    }
}
