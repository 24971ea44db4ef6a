package dev.watchpost.compat.stashboard;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.watchpost.live.Severity;
import dev.watchpost.manual.ManualEvent;
import dev.watchpost.manual.ManualStatus;
import dev.watchpost.manual.ServiceList;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Optional;

/**
 * Stashboard's JSON shapes. Field names and order as Stashboard wrote them; {@code url}s are
 * absolute, made from the request's {@code Host} (see {@link StashboardRoutes}).
 */
final class StashJson {

    /**
     * RFC 1123 as HTTP dates and Stashboard write it: always two-digit days ("Tue, 03 Jun 2008
     * 11:05:30 GMT"). {@link DateTimeFormatter#RFC_1123_DATE_TIME} writes "Tue, 3 Jun 2008", which
     * strict parsers of HTTP dates reject; it is still used for reading, where it accepts both.
     */
    static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.ENGLISH)
            .withZone(ZoneOffset.UTC);

    private StashJson() {
    }

    static String timestamp(Instant at) {
        return TIMESTAMP.format(at);
    }

    /** {@code {"name","id","description","url","current-event","list"}}; {@code list} is null when the service is in none. */
    static ObjectNode service(String base, String id, String name, String description, Optional<ObjectNode> currentEvent,
                              Optional<ServiceList> list) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("name", name);
        o.put("id", id);
        o.put("description", description);
        o.put("url", base + "/services/" + id);
        o.set("current-event", currentEvent.orElse(null));
        o.set("list", list.map(l -> list(base, l)).orElse(null));
        return o;
    }

    /** {@code {"name","id","description","url"}}. */
    static ObjectNode list(String base, ServiceList l) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("name", l.name());
        o.put("id", l.slug());
        o.put("description", l.description());
        o.put("url", base + "/service-lists/" + l.slug());
        return o;
    }

    /**
     * {@code {"url","icon_set","name"}}. {@code url} is null: Stashboard pointed at its own icon files,
     * which Watchpost does not serve.
     */
    static ObjectNode image(StatusImages.Image i) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.putNull("url");
        o.put("icon_set", i.iconSet());
        o.put("name", i.name());
        return o;
    }

    /** {@code {"sid","timestamp","status":{status},"message","url","informational"}}; the sid is a string, as Stashboard's keys were. */
    static ObjectNode event(String base, ManualEvent e, ManualStatus status) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("sid", Long.toString(e.sid()));
        o.put("timestamp", timestamp(e.at()));
        o.set("status", status(base, status));
        o.put("message", e.message());
        o.put("url", base + "/services/" + e.targetId() + "/events/" + e.sid());
        o.put("informational", e.informational());
        return o;
    }

    /**
     * {@code {"name","id","description","level","severity","image","url","default"}}: Stashboard's
     * {@code level} kept for old clients beside Watchpost's {@code severity}. {@code image} is the
     * icon name as given (Watchpost serves no Stashboard icon files), or null.
     */
    static ObjectNode status(String base, ManualStatus s) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("name", s.name());
        o.put("id", s.slug());
        o.put("description", s.description());
        o.put("level", level(s.severity()));
        o.put("severity", ManualStatus.severityId(s.severity()));
        o.put("image", s.image());
        o.put("url", base + "/statuses/" + s.slug());
        o.put("default", s.isDefault());
        return o;
    }

    /** Stashboard's level names; maintenance had none and is written as itself. */
    static String level(Severity s) {
        return switch (s) {
            case OK -> "NORMAL";
            case WARN -> "WARNING";
            case BAD -> "ERROR";
            case MAINTENANCE -> "MAINTENANCE";
            case UNKNOWN -> "UNKNOWN";
        };
    }

    /** A level as Stashboard clients send it (NORMAL, WARNING, ERROR, CRITICAL, or MAINTENANCE), any case. */
    static Optional<Severity> parseLevel(String level) {
        return switch (level.strip().toUpperCase(Locale.ROOT)) {
            case "NORMAL" -> Optional.of(Severity.OK);
            case "WARNING" -> Optional.of(Severity.WARN);
            case "ERROR", "CRITICAL" -> Optional.of(Severity.BAD);
            case "MAINTENANCE" -> Optional.of(Severity.MAINTENANCE);
            default -> Optional.empty();
        };
    }
}
