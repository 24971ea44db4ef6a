package dev.watchpost.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The validated, frozen server settings. Built once by {@link ConfigLoader}; every value here has
 * already been checked, so consumers never re-validate.
 */
public record WatchpostConfig(Server server, Storage storage, Auth auth, Logging logging, Glance glance,
                              Argus argus, Probes probes, Declarations declarations, Alerts alerts, Platypus platypus,
                              Cluster cluster, StatusPage statusPage, Source source) {

    public WatchpostConfig {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(storage, "storage");
        Objects.requireNonNull(auth, "auth");
        Objects.requireNonNull(logging, "logging");
        Objects.requireNonNull(glance, "glance");
        Objects.requireNonNull(argus, "argus");
        Objects.requireNonNull(probes, "probes");
        Objects.requireNonNull(declarations, "declarations");
        Objects.requireNonNull(alerts, "alerts");
        Objects.requireNonNull(platypus, "platypus");
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(statusPage, "statusPage");
        Objects.requireNonNull(source, "source");
    }

    /**
     * Where the configuration came from, so it can be read again (a reload): the file, the
     * environment and {@code --insecure}. Never printed: the environment holds secrets.
     */
    public record Source(Optional<Path> file, Map<String, String> env, boolean insecure) {
        public Source {
            Objects.requireNonNull(file, "file");
            env = Map.copyOf(env);
        }

        @Override
        public String toString() {
            return "Source[file=" + file.map(Object::toString).orElse("none") + ", env=" + env.size() + " variables]";
        }
    }

    /**
     * The same configuration with its reloadable parts, the declarations and the alerts, taken from
     * {@code next}: what a reload applies (the other sections need a restart).
     */
    public WatchpostConfig withReloaded(WatchpostConfig next) {
        return new WatchpostConfig(server, storage, auth, logging, glance, argus, probes, next.declarations(), next.alerts(),
                platypus, cluster, statusPage, source);
    }

    /**
     * Where and how the HTTP server listens.
     *
     * @param port 0 picks a free port (tests)
     * @param maxBodyBytes largest request body accepted; larger ones get 413
     * @param shutdownGrace how long in-flight requests and pending writes get on SIGTERM
     * @param streamKeepAlive how long a live feed (SSE, WebSocket) may stay quiet before the server sends
     *        a keep-alive, so proxies and clients do not take a quiet feed for a dead one
     * @param idleTimeout how long a connection may send nothing before the server closes it
     * @param maxConnections the most connections open at once; empty for a number derived from the
     *        descriptor limit
     * @param maxConnectionsPerAddress the most open at once from one client address; 0 for no such limit
     * @param headerTimeout how long a request head may take to arrive
     * @param bodyTimeout how long a request body may send nothing before the connection is closed
     */
    public record Server(String host, int port, Optional<URI> publicUrl, long maxBodyBytes, Duration shutdownGrace,
                         Duration streamKeepAlive, Duration idleTimeout, java.util.OptionalInt maxConnections,
                         int maxConnectionsPerAddress, Duration headerTimeout, Duration bodyTimeout) {
    }

    /**
     * The database: the embedded SQLite file under {@code dataDir} unless {@code url} names another.
     *
     * @param flushInterval how often coalesced background writes reach the database
     * @param secretsKey the key that seals secrets at rest, 32 bytes in base64, when given in the
     *        environment; otherwise the key is read from {@code secretsKeyFile} (made on first start)
     */
    public record Storage(Path dataDir, Optional<String> url, Optional<String> user, Optional<String> password,
                          int poolSize, Duration flushInterval, Optional<String> secretsKey, Path secretsKeyFile) {

        /** The JDBC URL in use: the configured one, or the SQLite file in the data directory. */
        public String jdbcUrl() {
            return url.orElseGet(() -> "jdbc:sqlite:" + dataDir.resolve("watchpost.db"));
        }

        @Override
        public String toString() {
            return "Storage[dataDir=" + dataDir + ", url=" + url.map(Storage::redactUrl) + ", user=" + user
                    + ", password=" + password.map(p -> "***") + ", poolSize=" + poolSize
                    + ", flushInterval=" + flushInterval + ", secretsKey=" + secretsKey.map(k -> "***")
                    + ", secretsKeyFile=" + secretsKeyFile + "]";
        }

        private static String redactUrl(String u) {
            return u.replaceAll("(?i)(password=)[^&;]*", "$1***");
        }
    }

    /**
     * Tokens declared in configuration (plain text as given; they are hashed on start and never
     * logged), plus the listening policy.
     *
     * @param insecure allow a non-loopback listener without any admin token
     * @param publicRead read routes (snapshot, status page, metrics) answer without a token
     */
    public record Auth(List<String> adminTokens, List<String> ingestTokens, List<String> readTokens,
                       boolean insecure, boolean publicRead) {

        public Auth {
            adminTokens = List.copyOf(adminTokens);
            ingestTokens = List.copyOf(ingestTokens);
            readTokens = List.copyOf(readTokens);
        }

        @Override
        public String toString() {
            return "Auth[adminTokens=" + adminTokens.size() + ", ingestTokens=" + ingestTokens.size()
                    + ", readTokens=" + readTokens.size() + ", insecure=" + insecure + ", publicRead=" + publicRead + "]";
        }
    }

    /** @param level one of error, warn, info, debug, trace */
    public record Logging(String level) {
    }

    /**
     * Glance compatibility (its own environment variables are accepted unchanged).
     *
     * @param bots          each cluster's shard count ({@code GLANCE_BOTS=cluster:shards;cluster:shards}), in
     *                      the order given; empty for none
     * @param passphrase    when present, Glance's mutating routes need it
     * @param healthTimeout silence after which a shard becomes Unhealthy
     */
    public record Glance(java.util.Map<String, Integer> bots, Optional<String> passphrase, Duration healthTimeout) {
        public Glance {
            bots = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(bots));
        }

        /** The clusters as {@code GLANCE_BOTS} writes them, for messages. */
        public String botsText() {
            return bots.entrySet().stream().map(e -> e.getKey() + ":" + e.getValue())
                    .collect(java.util.stream.Collectors.joining(";"));
        }

        @Override
        public String toString() {
            return "Glance[bots=" + bots + ", passphrase=" + passphrase.map(p -> "***") + ", healthTimeout="
                    + healthTimeout + "]";
        }
    }

    /**
     * Argus Fleet compatibility ({@code ARGUS_FLEET_*} variables accepted unchanged).
     *
     * @param ratePerSecond   requests per second per member identity (burst: ten times that)
     * @param ipRatePerSecond requests per second per client address (burst: five times that)
     * @param group           the id of the group under which fleets and their clusters appear
     * @param prometheusUrl   Prometheus to read the fleet view's figures from; empty for pushes only
     * @param configured      some Argus setting was given (file or environment): Argus is meant to be
     *                        used, so the status page offers its fleet view before any member registers
     */
    public record Argus(Duration interval, int ttlFactor, String namespace, int historyPoints, double ratePerSecond,
                        double ipRatePerSecond, String group, Optional<URI> prometheusUrl, int maxMembers,
                        boolean configured) {
    }

    /**
     * Platypus compatibility: its Go agents push their stats over a WebSocket ({@code /stats}); its page
     * reads {@code /getstats}.
     *
     * @param secret   the key every agent must send; empty = agents are refused
     * @param group    the group each agent's host becomes a target in
     * @param interval how often {@code /getstats} sends the hosts (Platypus's {@code interval})
     * @param timeout  a host whose socket stays open but sends nothing this long is unhealthy (its lease)
     */
    public record Platypus(Optional<String> secret, String group, Duration interval, Duration timeout) {
        public Platypus {
            Objects.requireNonNull(secret, "secret");
            Objects.requireNonNull(group, "group");
            Objects.requireNonNull(interval, "interval");
            Objects.requireNonNull(timeout, "timeout");
        }

        @Override
        public String toString() {
            return "Platypus[secret=" + secret.map(p -> "***") + ", group=" + group + ", interval=" + interval
                    + ", timeout=" + timeout + "]";
        }
    }

    /**
     * Several nodes on one PostgreSQL. On when {@code secret} is set; then {@code nodeId} and
     * {@code advertiseUrl} are present (given, or derived from the host name and the listener).
     *
     * @param secret what nodes present to each other on node-to-node calls
     * @param nodeId this node's name, unique in the cluster and stable across its restarts
     * @param advertiseUrl where the other nodes reach this one
     */
    public record Cluster(Optional<String> secret, Optional<String> nodeId, Optional<URI> advertiseUrl) {
        public Cluster {
            Objects.requireNonNull(secret, "secret");
            Objects.requireNonNull(nodeId, "nodeId");
            Objects.requireNonNull(advertiseUrl, "advertiseUrl");
        }

        /** A single node: no cluster settings. */
        public static Cluster none() {
            return new Cluster(Optional.empty(), Optional.empty(), Optional.empty());
        }

        public boolean enabled() {
            return secret.isPresent();
        }

        @Override
        public String toString() {
            return "Cluster[secret=" + secret.map(p -> "***") + ", nodeId=" + nodeId + ", advertiseUrl=" + advertiseUrl + "]";
        }
    }

    /**
     * Limits of the probe scheduler, and when a remote location counts as lost.
     *
     * @param maxConcurrent probes in flight at once, over all targets
     * @param maxPerHost    probes in flight at once against one host, so many targets on one server
     *                      never look like an attack to it
     * @param locationLostAfter how long a remote location's prober may go unheard (no poll, no
     *                      results) before the location is lost: left out, and one alert
     */
    public record Probes(int maxConcurrent, int maxPerHost, Duration locationLostAfter) {
    }

    /**
     * Groups and targets declared in the config file, as written; the feature that owns them parses
     * and validates them at start (so its error messages can name the item).
     */
    public record Declarations(List<com.fasterxml.jackson.databind.JsonNode> groups,
                               List<com.fasterxml.jackson.databind.JsonNode> targets) {
        public Declarations {
            groups = List.copyOf(groups);
            targets = List.copyOf(targets);
        }
    }

    /**
     * Alerts: channels and rules as written in the config file ({@code ${NAME}} already replaced by
     * environment variables; package alert parses and validates them at start, naming the item).
     *
     * @param startupGrace nothing is sent before this long after start, so a restart sends no storm
     */
    public record Alerts(Duration startupGrace, List<com.fasterxml.jackson.databind.JsonNode> channels,
                         List<com.fasterxml.jackson.databind.JsonNode> rules) {
        public Alerts {
            Objects.requireNonNull(startupGrace, "startupGrace");
            channels = List.copyOf(channels);
            rules = List.copyOf(rules);
        }

        @Override
        public String toString() {
            return "Alerts[startupGrace=" + startupGrace + ", channels=" + channels.size() + ", rules=" + rules.size() + "]";
        }
    }

    /**
     * How the public status page presents itself ({@code status-page:} in the config file).
     *
     * @param name          the organisation or product the page is about, shown in the header (and as
     *                      the logo's text alternative)
     * @param title         the document title of the status page
     * @param logo          an image shown in the header, served by Watchpost itself
     * @param favicon       the page's icon, served by Watchpost itself; empty for none
     * @param footer        links shown in the footer, in order
     * @param accent        {@code #rrggbb}: the colour of links, the brand and the header's edge; empty for
     *                      Watchpost's own
     * @param banner        target ids, group ids or globs whose targets decide the banner; empty for every
     *                      public target
     * @param searchEngines false: ask search engines not to index the page ({@code robots.txt},
     *                      {@code <meta name="robots">})
     * @param timeZone      the zone every time written for people is in (pages, dashboard, alert texts),
     *                      and where the day bars' days begin; machine-readable times stay UTC
     */
    public record StatusPage(String name, String title, Optional<Image> logo, Optional<Image> favicon, List<Link> footer,
                             Optional<String> accent, List<String> banner, boolean searchEngines, ZoneId timeZone) {

        public static final String DEFAULT_NAME = "Watchpost";
        public static final String DEFAULT_TITLE = "Status";
        public static final ZoneId DEFAULT_TIME_ZONE = ZoneId.of("UTC");

        public StatusPage {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(title, "title");
            Objects.requireNonNull(logo, "logo");
            Objects.requireNonNull(favicon, "favicon");
            Objects.requireNonNull(accent, "accent");
            Objects.requireNonNull(timeZone, "timeZone");
            footer = List.copyOf(footer);
            banner = List.copyOf(banner);
        }

        /** Watchpost's own look: no section in the file. */
        public static StatusPage defaults() {
            return new StatusPage(DEFAULT_NAME, DEFAULT_TITLE, Optional.empty(), Optional.empty(), List.of(),
                    Optional.empty(), List.of(), true, DEFAULT_TIME_ZONE);
        }

        /**
         * An image file read at start.
         *
         * @param file        the path as configured, for messages
         * @param contentType what its bytes are ({@code image/png}, {@code image/svg+xml}, ...)
         */
        public record Image(String file, String contentType, byte[] bytes) {
            public Image {
                Objects.requireNonNull(file, "file");
                Objects.requireNonNull(contentType, "contentType");
                bytes = bytes.clone();
            }

            @Override
            public byte[] bytes() {
                return bytes.clone();
            }

            @Override
            public boolean equals(Object o) {
                return o instanceof Image i && i.file.equals(file) && i.contentType.equals(contentType)
                        && java.util.Arrays.equals(i.bytes, bytes);
            }

            @Override
            public int hashCode() {
                return java.util.Arrays.hashCode(bytes);
            }

            @Override
            public String toString() {
                return "Image[" + file + ", " + contentType + ", " + bytes.length + " bytes]";
            }
        }

        /** A footer link: {@code url} is http(s), mailto: or a path on this server. */
        public record Link(String text, String url) {
            public Link {
                Objects.requireNonNull(text, "text");
                Objects.requireNonNull(url, "url");
            }
        }
    }
}
