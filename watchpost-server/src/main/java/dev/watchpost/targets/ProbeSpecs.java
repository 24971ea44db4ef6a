package dev.watchpost.targets;

import dev.watchpost.config.SpecReader;
import com.fasterxml.jackson.databind.JsonNode;
import dev.watchpost.probe.Check;
import dev.watchpost.probe.DampingState;
import dev.watchpost.probe.HttpCheck;
import dev.watchpost.probe.ProbeLocations;
import dev.watchpost.probe.ProbePlan;
import dev.watchpost.probe.StatsCheck;
import dev.watchpost.probe.StatusRange;
import dev.watchpost.probe.TcpCheck;
import dev.watchpost.probe.TlsCheck;
import dev.watchpost.web.Redaction;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

import static dev.watchpost.config.SpecReader.at;
import static dev.watchpost.config.SpecReader.keys;
import static dev.watchpost.config.SpecReader.object;
import static dev.watchpost.config.SpecReader.optionalBoolean;
import static dev.watchpost.config.SpecReader.optionalDuration;
import static dev.watchpost.config.SpecReader.optionalInt;
import static dev.watchpost.config.SpecReader.optionalText;
import static dev.watchpost.config.SpecReader.requiredText;

/**
 * Reads the {@code http:}, {@code tcp:}, {@code tls:} and {@code stats:} sections of a target.
 * Defaults: every 60 s (TLS certificates every hour, stats agents every 5 min as Platypus did),
 * 3 failures before down, 2 successes before up, checked from this server alone.
 */
final class ProbeSpecs {

    static final Set<String> KINDS = Set.of("http", "tcp", "tls", "stats");

    static final Duration DEFAULT_EVERY = Duration.ofSeconds(60);
    static final Duration DEFAULT_TLS_EVERY = Duration.ofHours(1);
    static final Duration DEFAULT_STATS_EVERY = Duration.ofMinutes(5);

    private static final Set<String> COMMON = Set.of("every", "failure-threshold", "success-threshold", "locations", "quorum");
    private static final Set<String> HTTP_KEYS = with("url", "method", "headers", "body", "timeout", "connect-timeout",
            "expect", "follow-redirects", "max-redirects", "verify-tls");
    private static final Set<String> EXPECT_KEYS = Set.of("status", "body-contains", "json", "faster-than");
    private static final Set<String> TCP_KEYS = with("host", "port", "timeout");
    private static final Set<String> TLS_KEYS = with("host", "port", "timeout", "connect-timeout", "warn-before", "verify-tls");
    private static final Set<String> STATS_KEYS = with("url", "host", "path", "timeout");

    private ProbeSpecs() {
    }

    static ProbePlan parse(String kind, JsonNode spec, String where) {
        object(spec, where);
        Check check = switch (kind) {
            case "http" -> http(spec, where);
            case "tcp" -> tcp(spec, where);
            case "tls" -> tls(spec, where);
            case "stats" -> stats(spec, where);
            default -> throw new IllegalArgumentException(where + ": not a probe kind: " + kind);
        };
        Duration every = optionalDuration(spec, "every", where).orElse(switch (kind) {
            case "tls" -> DEFAULT_TLS_EVERY;
            case "stats" -> DEFAULT_STATS_EVERY;
            default -> DEFAULT_EVERY;
        });
        if (every.compareTo(ProbePlan.MIN_EVERY) < 0) {
            throw new IllegalArgumentException(where + ".every: must be at least 1s");
        }
        int failures = optionalInt(spec, "failure-threshold", where, 1, DampingState.Thresholds.MAX)
                .orElse(DampingState.Thresholds.DEFAULT.failures());
        int successes = optionalInt(spec, "success-threshold", where, 1, DampingState.Thresholds.MAX)
                .orElse(DampingState.Thresholds.DEFAULT.successes());
        if (check.timeout().compareTo(every) > 0) {
            throw new IllegalArgumentException(where + ".timeout: must not be longer than 'every' ("
                    + dev.watchpost.config.Durations.format(every) + ")");
        }
        return new ProbePlan(check, every, new DampingState.Thresholds(failures, successes), locations(spec, where));
    }

    /**
     * {@code locations: [eu, us, asia]} or {@code locations: all}, and {@code quorum: k}; without
     * them the target is checked from this server alone ({@code local}), as before. A quorum without
     * locations is refused rather than ignored: it could only ever be 1, so a larger one is a
     * declaration that forgot its locations.
     */
    private static ProbeLocations locations(JsonNode spec, String where) {
        JsonNode list = spec.get("locations");
        Optional<Integer> quorum = optionalInt(spec, "quorum", where, 1, ProbeLocations.MAX);
        if (list == null || list.isNull()) {
            if (quorum.isPresent()) {
                throw new IllegalArgumentException(where + ".quorum: needs 'locations' (without them the target is checked "
                        + "from this server alone)");
            }
            return ProbeLocations.LOCAL_ONLY;
        }
        String w = where + ".locations";
        OptionalInt k = quorum.map(OptionalInt::of).orElse(OptionalInt.empty());
        if (list.isTextual() && list.asText().equals(ProbeLocations.ALL)) {
            return new ProbeLocations(true, List.of(), k);
        }
        if (!list.isArray() || list.isEmpty()) {
            throw new IllegalArgumentException(w + ": expected a list of location names, e.g. [eu, us, asia], or all");
        }
        List<String> named = new ArrayList<>();
        for (JsonNode n : list) {
            String name = n.isTextual() ? n.asText() : n.toString();
            if (name.equals(ProbeLocations.ALL)) {
                throw new IllegalArgumentException(w + ": 'all' stands alone (locations: all), not in a list");
            }
            if (!n.isTextual() || !ProbeLocations.isName(name)) {
                throw new IllegalArgumentException(w + ": '" + name + "' is not a location name (lower-case letters, digits "
                        + "and '-', at most 32)");
            }
            if (named.contains(name)) {
                throw new IllegalArgumentException(w + ": '" + name + "' is listed twice");
            }
            named.add(name);
        }
        if (named.size() > ProbeLocations.MAX) {
            throw new IllegalArgumentException(w + ": at most " + ProbeLocations.MAX + " locations");
        }
        if (k.isPresent() && k.getAsInt() > named.size()) {
            throw new IllegalArgumentException(where + ".quorum: " + k.getAsInt() + " is more than the " + named.size()
                    + (named.size() == 1 ? " location listed" : " locations listed"));
        }
        return new ProbeLocations(false, named, k);
    }

    private static HttpCheck http(JsonNode spec, String where) {
        keys(spec, where, HTTP_KEYS);
        String url = requiredText(spec, "url", where);
        HttpCheck.Builder b = at(where + ".url", () -> {
            URI u = SpecReader.url(url, where + ".url");
            if (u.getScheme() == null || !(u.getScheme().equalsIgnoreCase("http") || u.getScheme().equalsIgnoreCase("https"))
                    || u.getHost() == null) {
                throw new IllegalArgumentException("'" + Redaction.userInfo(url) + "' is not an absolute http or https URL with a host");
            }
            return HttpCheck.builder(url);
        });
        optionalText(spec, "method", where).ifPresent(m -> b.method(m.toUpperCase(java.util.Locale.ROOT)));
        JsonNode headers = spec.get("headers");
        if (headers != null && !headers.isNull()) {
            object(headers, where + ".headers");
            for (Iterator<Map.Entry<String, JsonNode>> it = headers.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> h = it.next();
                if (!h.getValue().isValueNode() || h.getValue().isNull()) {
                    throw new IllegalArgumentException(where + ".headers." + h.getKey() + ": expected text");
                }
                b.header(h.getKey(), h.getValue().asText());
            }
        }
        optionalText(spec, "body", where).ifPresent(b::body);
        optionalDuration(spec, "timeout", where).ifPresent(b::totalTimeout);
        optionalDuration(spec, "connect-timeout", where).ifPresent(b::connectTimeout);
        optionalBoolean(spec, "follow-redirects", where).ifPresent(b::followRedirects);
        optionalInt(spec, "max-redirects", where, 0, 20).ifPresent(b::maxRedirects);
        optionalBoolean(spec, "verify-tls", where).ifPresent(b::verifyTls);
        JsonNode expect = spec.get("expect");
        if (expect != null && !expect.isNull()) {
            String w = where + ".expect";
            object(expect, w);
            keys(expect, w, EXPECT_KEYS);
            JsonNode status = expect.get("status");
            if (status != null && !status.isNull()) {
                b.expectedStatus(at(w + ".status", () -> statusRanges(status)).toArray(StatusRange[]::new));
            }
            optionalText(expect, "body-contains", w).ifPresent(b::bodyContains);
            optionalText(expect, "json", w).ifPresent(j -> at(w + ".json", () -> b.jsonCondition(j)));
            optionalDuration(expect, "faster-than", w).ifPresent(b::fasterThan);
        }
        return at(where, b::build);
    }

    /** {@code 200}, {@code "200-299"}, {@code "2xx"}, {@code "200, 301"} or a list of those. */
    private static List<StatusRange> statusRanges(JsonNode status) {
        List<StatusRange> out = new ArrayList<>();
        if (status.isArray()) {
            for (JsonNode s : status) {
                out.addAll(statusRanges(s));
            }
        } else if (status.isValueNode() && !status.isBoolean()) {
            for (String part : status.asText().split(",")) {
                if (!part.isBlank()) {
                    out.add(StatusRange.parse(part));
                }
            }
        } else {
            throw new IllegalArgumentException("expected a status (200), a range (200-299, 2xx) or a list of them");
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("expected at least one status");
        }
        return out;
    }

    private static TcpCheck tcp(JsonNode spec, String where) {
        keys(spec, where, TCP_KEYS);
        String host = requiredText(spec, "host", where);
        int port = optionalInt(spec, "port", where, 1, 65535)
                .orElseThrow(() -> new IllegalArgumentException(where + ": 'port' is required"));
        Duration timeout = optionalDuration(spec, "timeout", where).orElse(TcpCheck.DEFAULT_CONNECT_TIMEOUT);
        return at(where, () -> new TcpCheck(host, port, timeout));
    }

    private static TlsCheck tls(JsonNode spec, String where) {
        keys(spec, where, TLS_KEYS);
        String host = requiredText(spec, "host", where);
        int port = optionalInt(spec, "port", where, 1, 65535).orElse(443);
        Duration warn = optionalDuration(spec, "warn-before", where).orElse(TlsCheck.DEFAULT_WARN_BEFORE);
        Duration total = optionalDuration(spec, "timeout", where).orElse(HttpCheck.DEFAULT_TOTAL_TIMEOUT);
        Duration connect = optionalDuration(spec, "connect-timeout", where).orElse(HttpCheck.DEFAULT_CONNECT_TIMEOUT);
        boolean verify = optionalBoolean(spec, "verify-tls", where).orElse(true);
        return at(where, () -> new TlsCheck(host, port, warn, connect, total, verify));
    }

    /** Either {@code url: http://host:port/platy} or Platypus' {@code host} with an optional {@code path}. */
    private static StatsCheck stats(JsonNode spec, String where) {
        keys(spec, where, STATS_KEYS);
        Duration timeout = optionalDuration(spec, "timeout", where).orElse(StatsCheck.DEFAULT_TIMEOUT);
        var url = optionalText(spec, "url", where);
        var host = optionalText(spec, "host", where);
        if (url.isPresent() == host.isPresent()) {
            throw new IllegalArgumentException(where + ": give either 'url' (http://host[:port]/path) or 'host' (with optional 'path')");
        }
        if (url.isPresent()) {
            if (spec.has("path")) {
                throw new IllegalArgumentException(where + ".path: not used with 'url' (the path is part of the URL)");
            }
            return at(where + ".url", () -> {
                URI u = SpecReader.url(url.get(), where + ".url");
                if (!"http".equalsIgnoreCase(u.getScheme()) || u.getHost() == null) {
                    throw new IllegalArgumentException("'" + Redaction.userInfo(url.get()) + "' is not an http URL with a host (stats agents speak plain HTTP)");
                }
                String hostPort = u.getPort() > 0 ? u.getHost() + ":" + u.getPort() : u.getHost();
                String path = u.getRawPath() == null || u.getRawPath().isEmpty() ? StatsCheck.DEFAULT_STATS_PATH : u.getRawPath();
                return new StatsCheck(hostPort, path, timeout);
            });
        }
        String path = optionalText(spec, "path", where).orElse(StatsCheck.DEFAULT_STATS_PATH);
        return at(where, () -> new StatsCheck(host.get(), path, timeout));
    }

    private static Set<String> with(String... keys) {
        Set<String> s = new java.util.HashSet<>(COMMON);
        s.addAll(List.of(keys));
        return Set.copyOf(s);
    }
}
