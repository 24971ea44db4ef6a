package dev.watchpost.history;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.watchpost.auth.Access;
import dev.watchpost.live.LiveState;
import dev.watchpost.probe.ProbeLocations;
import dev.watchpost.web.ApiException;
import dev.watchpost.web.Json;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * {@code GET /api/v1/targets/{id}/history?days=90&tz=Europe/Berlin}: uptime for 24 h / 7 d / 30 d /
 * 1 y and one bar per day, all from buckets. As current as the last history flush (every minute).
 * With {@code &location=eu}, the checks of one location of a target checked from several: per day
 * their count, failures and latency (state time is the target's, not a location's).
 * Must be registered before the target routes, whose {@code {+id}} would otherwise take the path.
 */
public final class HistoryRoutes implements HttpService {

    static final int MAX_DAYS = 366;

    private final History history;
    private final LiveState live;
    private final Access access;
    private final Clock clock;

    public HistoryRoutes(History history, LiveState live, Access access, Clock clock) {
        this.history = history;
        this.live = live;
        this.access = access;
        this.clock = clock;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/api/v1/targets/{+id}/history", access.read(this::history));
    }

    private void history(ServerRequest req, ServerResponse res) {
        String id = req.path().pathParameters().get("id");
        // A private target's history is as absent as the target itself for readers without a token.
        if (live.target(id).isEmpty() || !(live.isPublic(id) || access.seesPrivate(req))) {
            throw ApiException.notFound("no target '" + id + "'");
        }
        int days = days(req.query().first("days").asOptional());
        ZoneId zone = zone(req.query().first("tz").asOptional());
        Instant now = clock.instant();
        Optional<String> location = req.query().first("location").asOptional();
        if (location.isPresent()) {
            if (!ProbeLocations.isName(location.get())) {
                throw ApiException.badRequest("location '" + location.get() + "' is not a location name (lower-case "
                        + "letters, digits and '-', at most 32)");
            }
            location(res, id, location.get(), history.days(History.locationSeries(id, location.get()), days, zone, now),
                    zone);
            return;
        }
        Optional<Uptime> uptime = history.uptime(id, now);
        List<DayBar> bars = history.days(id, days, zone, now);
        Json.stream(res, Status.OK_200, g -> {
            g.writeStartObject();
            g.writeStringField("target", id);
            g.writeStringField("timezone", zone.getId());
            g.writeObjectFieldStart("uptime");
            if (uptime.isPresent()) {
                window(g, "24h", uptime.get().last24Hours());
                window(g, "7d", uptime.get().last7Days());
                window(g, "30d", uptime.get().last30Days());
                window(g, "1y", uptime.get().lastYear());
            }
            g.writeEndObject();
            g.writeArrayFieldStart("days");
            for (DayBar d : bars) {
                g.writeStartObject();
                g.writeStringField("date", d.date().toString());
                number(g, "uptime", d.uptime());
                g.writeNumberField("down_seconds", d.down().toSeconds());
                g.writeNumberField("samples", d.samples());
                g.writeNumberField("failures", d.failures());
                number(g, "latency_avg_ms", d.latencyAverageMs());
                number(g, "latency_max_ms", d.latencyMaxMs());
                g.writeNumberField("incident_count", d.incidentCount());
                g.writeArrayFieldStart("incidents");
                for (DayBar.Incident i : d.incidents()) {
                    g.writeStartObject();
                    g.writeStringField("at", i.at().toString());
                    g.writeStringField("to", i.to().id());
                    g.writeStringField("reason", i.reason());
                    g.writeEndObject();
                }
                g.writeEndArray();
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    /** One location's days: its checks, their failures and latency; no uptime, which is the target's. */
    private static void location(ServerResponse res, String id, String location, List<DayBar> bars, ZoneId zone) {
        Json.stream(res, Status.OK_200, g -> {
            g.writeStartObject();
            g.writeStringField("target", id);
            g.writeStringField("location", location);
            g.writeStringField("timezone", zone.getId());
            g.writeArrayFieldStart("days");
            for (DayBar d : bars) {
                g.writeStartObject();
                g.writeStringField("date", d.date().toString());
                g.writeNumberField("samples", d.samples());
                g.writeNumberField("failures", d.failures());
                number(g, "latency_avg_ms", d.latencyAverageMs());
                number(g, "latency_max_ms", d.latencyMaxMs());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    private static void window(JsonGenerator g, String name, Uptime.Window w) throws IOException {
        g.writeObjectFieldStart(name);
        number(g, "uptime", w.ratio());
        g.writeNumberField("observed_seconds", w.observed().toSeconds());
        g.writeNumberField("down_seconds", w.down().toSeconds());
        g.writeEndObject();
    }

    private static void number(JsonGenerator g, String field, OptionalDouble v) throws IOException {
        if (v.isPresent()) {
            g.writeNumberField(field, v.getAsDouble());
        } else {
            g.writeNullField(field);
        }
    }

    static int days(Optional<String> raw) {
        if (raw.isEmpty()) {
            return 90;
        }
        try {
            int d = Integer.parseInt(raw.get());
            if (d >= 1 && d <= MAX_DAYS) {
                return d;
            }
        } catch (NumberFormatException e) {
            // fall through to the error
        }
        throw ApiException.badRequest("days must be a whole number 1-" + MAX_DAYS + " (got '" + raw.get() + "')");
    }

    static ZoneId zone(Optional<String> raw) {
        if (raw.isEmpty() || raw.get().isBlank()) {
            return ZoneId.of("UTC");
        }
        try {
            return ZoneId.of(raw.get());
        } catch (DateTimeException e) {
            throw ApiException.badRequest("tz '" + raw.get() + "' is not a time zone (e.g. UTC, Europe/Berlin)");
        }
    }
}
