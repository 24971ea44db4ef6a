package dev.watchpost.observe;

import dev.watchpost.auth.Access;
import dev.watchpost.live.GroupView;
import dev.watchpost.live.Snapshot;
import dev.watchpost.live.TargetKind;
import dev.watchpost.live.TargetView;
import dev.watchpost.web.ApiException;
import dev.watchpost.web.Json;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * {@code /healthz} (the process answers: always open), {@code /readyz} (the store answers: always
 * open, 503 otherwise), {@code /metrics} (Prometheus text: the process, the server and totals; a
 * read route) and {@code /metrics/targets} (one series per target and family, written from the
 * live snapshot at scrape time; a read route, showing private targets only to a reader with a
 * token, as the snapshot does; {@code ?group=} and {@code ?kind=} narrow it).
 *
 * <p>The per-target series have a route of their own so that {@code /metrics} stays small and
 * quick whatever the number of targets: with a million targets the per-target answer is some
 * hundreds of megabytes before compression (see docs/benchmarks.md), which a scraper should be
 * asked for on purpose, at its own interval.
 */
public final class ObserveRoutes implements HttpService {

    private final BooleanSupplier storeReady;
    private final PrometheusMeterRegistry registry;
    private final Access access;
    private final Supplier<Snapshot> snapshots;
    private final TargetMetrics.ProbeDurations durations;

    /**
     * @param snapshots the live state's current snapshot
     * @param probeSeconds how long this server's last run of a target's check took, in seconds; NaN when none
     */
    public ObserveRoutes(BooleanSupplier storeReady, PrometheusMeterRegistry registry, Access access,
                         Supplier<Snapshot> snapshots, ToDoubleFunction<String> probeSeconds) {
        this.storeReady = storeReady;
        this.registry = registry;
        this.access = access;
        this.snapshots = snapshots;
        this.durations = probeSeconds::applyAsDouble;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/healthz", (req, res) -> {
            res.header(HeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
            res.send("ok");
        });
        rules.get("/readyz", (req, res) -> {
            boolean store = storeReady.getAsBoolean();
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("ready", store);
            body.put("store", store ? "ok" : "unavailable");
            if (!store) {
                body.put("error", "the database does not answer");
            }
            Json.send(res, store ? Status.OK_200 : Status.SERVICE_UNAVAILABLE_503, body);
        });
        rules.get("/metrics", access.read((req, res) -> {
            res.header(HeaderNames.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
            res.send(registry.scrape());
        }));
        rules.get("/metrics/targets", access.read((req, res) -> {
            Optional<String> group = req.query().first("group").asOptional();
            Optional<String> kindParam = req.query().first("kind").asOptional();
            Optional<TargetKind> kind = kindParam.map(k -> TargetKind.parse(k).orElseThrow(() -> ApiException.badRequest(
                    "kind: '" + k + "' is not a kind (" + String.join(", ", TargetKind.IDS) + ")")));
            Snapshot full = snapshots.get();
            Snapshot s = access.seesPrivate(req) ? full : full.publicView();
            Predicate<TargetView> include = v -> true;
            if (group.isPresent()) {
                Set<String> groups = groupAndBelow(s, group.get());
                include = v -> v.groupId() != null && groups.contains(v.groupId());
            }
            if (kind.isPresent()) {
                TargetKind k = kind.get();
                include = include.and(v -> v.kind() == k);
            }
            res.header(HeaderNames.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
            // Prometheus asks for gzip; the text of many similar series shrinks about tenfold, and the
            // fastest level keeps the scrape's CPU close to that of writing the text.
            boolean gzip = req.headers().first(HeaderNames.ACCEPT_ENCODING).map(v -> v.contains("gzip")).orElse(false);
            if (gzip) {
                res.header(HeaderNames.CONTENT_ENCODING, "gzip");
            }
            Predicate<TargetView> chosen = include;
            try (OutputStream body = res.outputStream();
                 OutputStream out = gzip ? new FastGzip(body) : body) {
                TargetMetrics.write(s, chosen, durations, out);
            } catch (IOException | UncheckedIOException e) {
                // The scraper went away (its scrape_timeout, with a long answer): the answer has
                // started, so there is nobody to tell and nothing for the log.
            }
        }));
    }

    /** The group's id and those of every group below it, as the reader sees them; 404 for a group it does not see. */
    private static Set<String> groupAndBelow(Snapshot s, String id) {
        Set<String> out = new HashSet<>();
        out.add(id);
        boolean known = false;
        boolean grew = true;
        while (grew) { // groups nest a few levels deep: a few passes over a short list
            grew = false;
            for (GroupView g : s.groups()) {
                known |= g.id().equals(id);
                if (g.parentId() != null && out.contains(g.parentId()) && out.add(g.id())) {
                    grew = true;
                }
            }
        }
        if (!known) {
            throw ApiException.notFound("group: no group '" + id + "'");
        }
        return out;
    }

    /** gzip at the fastest level, with a buffer sized for long answers. */
    private static final class FastGzip extends GZIPOutputStream {
        FastGzip(OutputStream out) throws IOException {
            super(out, 64 * 1024);
            def.setLevel(Deflater.BEST_SPEED);
        }
    }
}
