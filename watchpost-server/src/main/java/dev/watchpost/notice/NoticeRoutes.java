package dev.watchpost.notice;

import com.fasterxml.jackson.databind.JsonNode;
import dev.watchpost.config.SpecReader;
import dev.watchpost.auth.Access;
import dev.watchpost.live.LiveState;
import dev.watchpost.auth.Scope;
import dev.watchpost.web.ApiException;
import dev.watchpost.web.Json;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * {@code /api/v1/notices}: the board (read access), one notice (read), post, change, delete and
 * post updates (admin). Bad input is 400 saying which field and why.
 */
public final class NoticeRoutes implements HttpService {

    private static final Set<String> CREATE_KEYS = Set.of("kind", "title", "status", "message", "targets", "starts_at", "ends_at");
    private static final Set<String> CHANGE_KEYS = Set.of("title", "targets", "starts_at", "ends_at");
    private static final Set<String> UPDATE_KEYS = Set.of("status", "message");
    static final int DEFAULT_DAYS = 7;

    private final NoticeService notices;
    private final LiveState live;
    private final Access access;

    public NoticeRoutes(NoticeService notices, LiveState live, Access access) {
        this.notices = notices;
        this.live = live;
        this.access = access;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/api/v1/notices", access.read(this::board))
                .post("/api/v1/notices", access.require(Scope.ADMIN, this::create))
                .get("/api/v1/notices/{id}", access.read(this::one))
                .put("/api/v1/notices/{id}", access.require(Scope.ADMIN, this::change))
                .delete("/api/v1/notices/{id}", access.require(Scope.ADMIN, this::delete))
                .post("/api/v1/notices/{id}/updates", access.require(Scope.ADMIN, this::update));
    }

    private void board(ServerRequest req, ServerResponse res) {
        Optional<String> raw = req.query().first("days").asOptional();
        int days = DEFAULT_DAYS;
        if (raw.isPresent()) {
            if (!raw.get().matches("\\d{1,2}") || Integer.parseInt(raw.get()) < 1 || Integer.parseInt(raw.get()) > 90) {
                throw ApiException.badRequest("days: expected a whole number 1-90 (got '" + raw.get() + "')");
            }
            days = Integer.parseInt(raw.get());
        }
        Instant now = notices.now();
        NoticeBoard b = notices.board(now, Duration.ofDays(days));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("generated_at", now.toString());
        Predicate<String> named = shown(req);
        out.put("current", b.current().stream().map(n -> json(n, now, named)).toList());
        out.put("recent", b.recent().stream().map(n -> json(n, now, named)).toList());
        Json.send(res, Status.OK_200, out);
    }

    private void one(ServerRequest req, ServerResponse res) {
        long id = id(req);
        Notice n = notices.notice(id).orElseThrow(() -> ApiException.notFound("no notice " + id));
        Json.send(res, Status.OK_200, json(n, notices.now(), shown(req)));
    }

    private void create(ServerRequest req, ServerResponse res) {
        JsonNode body = object(Json.read(req), CREATE_KEYS,
                "{\"kind\":\"incident\",\"title\":\"...\",\"message\":\"...\",\"targets\":[\"web/api\"]}");
        NoticeKind kind = NoticeKind.parse(requiredText(body, "kind"))
                .orElseThrow(() -> ApiException.badRequest("kind: expected incident or maintenance (got '"
                        + body.get("kind").asText() + "')"));
        Optional<NoticeStatus> status = text(body, "status").map(s -> NoticeStatus.parse(s)
                .orElseThrow(() -> ApiException.badRequest("status: unknown status '" + s
                        + "' (an incident is investigating, identified, monitoring or resolved)")));
        NoticeDraft d = new NoticeDraft(kind, text(body, "title").orElse(""), status, text(body, "message").orElse(""),
                targets(body).orElse(List.of()), instant(body, "starts_at"), instant(body, "ends_at"));
        Notice n = call(() -> notices.create(d));
        Json.send(res, Status.CREATED_201, json(n, notices.now()));
    }

    private void change(ServerRequest req, ServerResponse res) {
        long id = id(req);
        JsonNode body = object(Json.read(req), CHANGE_KEYS, "{\"title\":\"...\",\"ends_at\":\"2026-11-23T14:00:00Z\"}");
        NoticeChange c = new NoticeChange(text(body, "title").or(() -> body.has("title") ? Optional.of("") : Optional.empty()),
                targets(body), instant(body, "starts_at"), instant(body, "ends_at"));
        Notice n = call(() -> notices.change(id, c));
        Json.send(res, Status.OK_200, json(n, notices.now()));
    }

    private void update(ServerRequest req, ServerResponse res) {
        long id = id(req);
        JsonNode body = object(Json.read(req), UPDATE_KEYS, "{\"status\":\"identified\",\"message\":\"...\"}");
        Optional<NoticeStatus> status = text(body, "status").map(s -> NoticeStatus.parse(s)
                .orElseThrow(() -> ApiException.badRequest("status: unknown status '" + s
                        + "' (an incident is investigating, identified, monitoring or resolved)")));
        Notice n = call(() -> notices.addUpdate(id, status, text(body, "message").orElse("")));
        Json.send(res, Status.CREATED_201, json(n, notices.now()));
    }

    private void delete(ServerRequest req, ServerResponse res) {
        long id = id(req);
        if (!notices.delete(id)) {
            throw ApiException.notFound("no notice " + id);
        }
        res.status(Status.NO_CONTENT_204).send();
    }

    // ---------------------------------------------------------------- JSON

    /**
     * Which of a notice's targets this reader may see named: all with a read token; without one, the
     * notice stays (people should know of an incident) but its private targets and groups are left out.
     */
    private Predicate<String> shown(ServerRequest req) {
        return access.seesPrivate(req) ? id -> true : live::isPublic;
    }

    /** A notice as the API shows it, its status judged at {@code now}; updates newest first. */
    public static Map<String, Object> json(Notice n, Instant now) {
        return json(n, now, id -> true);
    }

    /** {@link #json(Notice, Instant)} naming only the targets {@code named} accepts. */
    static Map<String, Object> json(Notice n, Instant now, Predicate<String> named) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", n.id());
        m.put("kind", n.kind().id());
        m.put("title", n.title());
        m.put("status", n.statusAt(now).id());
        m.put("targets", n.targets().stream().filter(named).toList());
        m.put("starts_at", n.startsAt().toString());
        m.put("ends_at", n.endsAt().map(Instant::toString).orElse(null));
        m.put("created_at", n.createdAt().toString());
        m.put("updated_at", n.updatedAt().toString());
        List<Map<String, Object>> updates = new ArrayList<>();
        for (NoticeUpdate u : n.updates()) {
            Map<String, Object> um = new LinkedHashMap<>();
            um.put("id", u.id());
            um.put("at", u.at().toString());
            um.put("status", u.status().map(NoticeStatus::id).orElse(null));
            um.put("message", u.message());
            updates.add(um);
        }
        m.put("updates", updates);
        return m;
    }

    private static long id(ServerRequest req) {
        String raw = req.path().pathParameters().get("id");
        if (!raw.matches("\\d{1,18}")) {
            throw ApiException.badRequest("notice id must be a number (got '" + raw + "')");
        }
        return Long.parseLong(raw);
    }

    private static JsonNode object(JsonNode body, Set<String> allowed, String example) {
        return call(() -> {
            SpecReader.object(body, "body", example);
            SpecReader.keys(body, "body", allowed);
            return body;
        });
    }

    private static String requiredText(JsonNode body, String key) {
        return text(body, key).orElseThrow(() -> ApiException.badRequest(key + " is required"));
    }

    private static Optional<String> text(JsonNode body, String key) {
        JsonNode v = body.get(key);
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        if (!v.isTextual()) {
            throw ApiException.badRequest(key + ": expected text, got " + v);
        }
        return Optional.of(v.asText()).filter(t -> !t.isBlank());
    }

    private static Optional<List<String>> targets(JsonNode body) {
        JsonNode v = body.get("targets");
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        if (!v.isArray()) {
            throw ApiException.badRequest("targets: expected a list of target or group ids");
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            if (!v.get(i).isTextual()) {
                throw ApiException.badRequest("targets[" + i + "]: expected a target or group id, got " + v.get(i));
            }
            out.add(v.get(i).asText());
        }
        return Optional.of(out);
    }

    private static Optional<Instant> instant(JsonNode body, String key) {
        return text(body, key).map(t -> parseInstant(t, key).orElseThrow(() -> ApiException.badRequest(key
                + ": '" + t + "' is not a time; use ISO-8601 with a zone, e.g. 2026-11-23T14:00:00Z")));
    }

    /** ISO-8601 with {@code Z} or an offset. */
    static Optional<Instant> parseInstant(String text, String key) {
        try {
            return Optional.of(OffsetDateTime.parse(text.strip()).toInstant());
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private static <T> T call(Supplier<T> action) {
        try {
            return action.get();
        } catch (NoticeService.NotFound e) {
            throw ApiException.notFound(e.getMessage());
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }
}
