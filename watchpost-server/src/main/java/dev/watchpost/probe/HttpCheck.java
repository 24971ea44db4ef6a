package dev.watchpost.probe;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * What an HTTP probe sends and what it accepts. Build with {@link #builder(String)}; the compact
 * constructor validates every component, so a check that exists can be run.
 *
 * @param url             absolute http or https URL
 * @param method          request method, an upper-case token (default GET)
 * @param headers         extra request headers; not the ones the client owns (Host, Connection,
 *                        Content-Length, Expect, Upgrade)
 * @param body            request body sent as UTF-8, or null for none
 * @param expectedStatus  accepted final statuses (default 200-299); a redirect that is not followed
 *                        is a final status
 * @param followRedirects follow 301/302/303/307/308 with a Location (default true)
 * @param maxRedirects    how many redirects may be followed, 0..20 (default 5)
 * @param bodyContains    a keyword the body must contain (case-sensitive), or null
 * @param jsonCondition   a condition the body, parsed as JSON, must meet, or null
 * @param fasterThan      above this latency the result is DEGRADED, or null for no threshold
 * @param connectTimeout  limit on opening the connection (default 5 s); clamped to {@code totalTimeout}
 * @param totalTimeout    hard limit on the whole exchange, redirects and body included (default 10 s)
 * @param verifyTls       verify the server's certificate chain and host name (default true)
 */
public record HttpCheck(URI url, String method, Map<String, String> headers, String body,
                        List<StatusRange> expectedStatus, boolean followRedirects, int maxRedirects,
                        String bodyContains, JsonCondition jsonCondition, Duration fasterThan,
                        Duration connectTimeout, Duration totalTimeout, boolean verifyTls) implements Check {

    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration DEFAULT_TOTAL_TIMEOUT = Duration.ofSeconds(10);
    public static final int DEFAULT_MAX_REDIRECTS = 5;
    static final int MAX_MAX_REDIRECTS = 20;

    /** Headers java.net.http sets itself and refuses from callers. */
    private static final Set<String> RESTRICTED = Set.of("connection", "content-length", "expect", "host", "upgrade");

    public HttpCheck {
        Objects.requireNonNull(url, "url");
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("url must be http or https: " + url);
        }
        if (url.getHost() == null || url.getHost().isEmpty()) {
            throw new IllegalArgumentException("url has no host: " + url);
        }
        Objects.requireNonNull(method, "method");
        if (!method.matches("[A-Z]+")) {
            throw new IllegalArgumentException("method must be an upper-case token like GET: '" + method + "'");
        }
        Objects.requireNonNull(headers, "headers");
        Map<String, String> h = new LinkedHashMap<>();
        Set<String> seen = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        headers.forEach((k, v) -> {
            if (k == null || !k.matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+")) {
                throw new IllegalArgumentException("header name is not a token: '" + k + "'");
            }
            if (RESTRICTED.contains(k.toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException("header '" + k + "' is set by the client and cannot be configured");
            }
            if (v == null || v.indexOf('\r') >= 0 || v.indexOf('\n') >= 0) {
                throw new IllegalArgumentException("header '" + k + "' needs a single-line value");
            }
            if (!seen.add(k)) {
                throw new IllegalArgumentException("header '" + k + "' given twice");
            }
            h.put(k, v);
        });
        headers = java.util.Collections.unmodifiableMap(h);
        Objects.requireNonNull(expectedStatus, "expectedStatus");
        if (expectedStatus.isEmpty()) {
            throw new IllegalArgumentException("expectedStatus must name at least one range");
        }
        expectedStatus = List.copyOf(expectedStatus);
        if (maxRedirects < 0 || maxRedirects > MAX_MAX_REDIRECTS) {
            throw new IllegalArgumentException("maxRedirects must be 0.." + MAX_MAX_REDIRECTS + ": " + maxRedirects);
        }
        if (bodyContains != null && bodyContains.isEmpty()) {
            throw new IllegalArgumentException("bodyContains must not be empty (null for none)");
        }
        positive(connectTimeout, "connectTimeout");
        positive(totalTimeout, "totalTimeout");
        if (connectTimeout.compareTo(totalTimeout) > 0) {
            connectTimeout = totalTimeout; // the total bounds the connect anyway; a short total with the default connect is fine
        }
        if (fasterThan != null) {
            positive(fasterThan, "fasterThan");
            if (fasterThan.compareTo(totalTimeout) >= 0) {
                throw new IllegalArgumentException("fasterThan (" + fasterThan + ") must be below totalTimeout (" + totalTimeout + ")");
            }
        }
    }

    private static void positive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero() || d.toMillis() < 1) {
            throw new IllegalArgumentException(name + " must be at least 1 ms: " + d);
        }
    }

    @Override
    public String kind() {
        return "http";
    }

    @Override
    public String host() {
        return url.getHost().toLowerCase(Locale.ROOT);
    }

    @Override
    public Duration timeout() {
        return totalTimeout;
    }

    @Override
    public Prober prober(HttpClients clients) {
        return new HttpProber(this, clients);
    }

    /** True when the final status is accepted. */
    public boolean accepts(int status) {
        for (StatusRange r : expectedStatus) {
            if (r.contains(status)) {
                return true;
            }
        }
        return false;
    }

    /** A builder with every default, for {@code url}. */
    public static Builder builder(String url) {
        return new Builder(URI.create(url));
    }

    /** Collects components; {@link #build()} validates. Not thread-safe. */
    public static final class Builder {
        private final URI url;
        private String method = "GET";
        private final Map<String, String> headers = new LinkedHashMap<>();
        private String body;
        private List<StatusRange> expectedStatus = List.of(StatusRange.SUCCESS);
        private boolean followRedirects = true;
        private int maxRedirects = DEFAULT_MAX_REDIRECTS;
        private String bodyContains;
        private JsonCondition jsonCondition;
        private Duration fasterThan;
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Duration totalTimeout = DEFAULT_TOTAL_TIMEOUT;
        private boolean verifyTls = true;

        private Builder(URI url) {
            this.url = url;
        }

        public Builder method(String method) {
            this.method = method;
            return this;
        }

        public Builder header(String name, String value) {
            headers.put(name, value);
            return this;
        }

        public Builder body(String body) {
            this.body = body;
            return this;
        }

        public Builder expectedStatus(StatusRange... ranges) {
            this.expectedStatus = List.of(ranges);
            return this;
        }

        public Builder followRedirects(boolean follow) {
            this.followRedirects = follow;
            return this;
        }

        public Builder maxRedirects(int max) {
            this.maxRedirects = max;
            return this;
        }

        public Builder bodyContains(String keyword) {
            this.bodyContains = keyword;
            return this;
        }

        /** Parses {@code expression}; see {@link JsonCondition} for the grammar. */
        public Builder jsonCondition(String expression) {
            this.jsonCondition = expression == null ? null : JsonCondition.parse(expression);
            return this;
        }

        public Builder fasterThan(Duration threshold) {
            this.fasterThan = threshold;
            return this;
        }

        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = timeout;
            return this;
        }

        public Builder totalTimeout(Duration timeout) {
            this.totalTimeout = timeout;
            return this;
        }

        public Builder verifyTls(boolean verify) {
            this.verifyTls = verify;
            return this;
        }

        public HttpCheck build() {
            return new HttpCheck(url, method, headers, body, expectedStatus, followRedirects, maxRedirects,
                    bodyContains, jsonCondition, fasterThan, connectTimeout, totalTimeout, verifyTls);
        }
    }
}
