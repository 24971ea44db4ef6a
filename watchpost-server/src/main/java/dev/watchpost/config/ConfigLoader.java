package dev.watchpost.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Reads settings from an optional YAML file and {@code WATCHPOST_*} environment variables (which win),
 * validates every value once and returns a frozen {@link WatchpostConfig}. The first invalid value
 * stops loading with a {@link ConfigException} whose one-line message names key, value and source.
 */
public final class ConfigLoader {

    /** Every server setting: its key in the file, the environment variable that overrides it, its default. */
    enum Setting {
        HOST("server.host", "WATCHPOST_HOST", "127.0.0.1", false),
        PORT("server.port", "WATCHPOST_PORT", "8080", false),
        PUBLIC_URL("server.public-url", "WATCHPOST_PUBLIC_URL", null, false),
        MAX_BODY("server.max-body", "WATCHPOST_MAX_BODY", "256KiB", false),
        SHUTDOWN_GRACE("server.shutdown-grace", "WATCHPOST_SHUTDOWN_GRACE", "10s", false),
        STREAM_KEEPALIVE("server.stream-keepalive", "WATCHPOST_STREAM_KEEPALIVE", "15s", false),
        IDLE_TIMEOUT("server.idle-timeout", "WATCHPOST_IDLE_TIMEOUT", "5m", false),
        MAX_CONNECTIONS("server.max-connections", "WATCHPOST_MAX_CONNECTIONS", "auto", false),
        MAX_CONNECTIONS_PER_ADDRESS("server.max-connections-per-address", "WATCHPOST_MAX_CONNECTIONS_PER_ADDRESS", "100", false),
        HEADER_TIMEOUT("server.header-timeout", "WATCHPOST_HEADER_TIMEOUT", "10s", false),
        BODY_TIMEOUT("server.body-timeout", "WATCHPOST_BODY_TIMEOUT", "30s", false),
        DATA_DIR("storage.data-dir", "WATCHPOST_DATA", "./data", false),
        DB_URL("storage.url", "WATCHPOST_DB_URL", null, false),
        DB_USER("storage.user", "WATCHPOST_DB_USER", null, false),
        DB_PASSWORD("storage.password", "WATCHPOST_DB_PASSWORD", null, true),
        DB_POOL_SIZE("storage.pool-size", "WATCHPOST_DB_POOL_SIZE", "8", false),
        FLUSH_INTERVAL("storage.flush-interval", "WATCHPOST_FLUSH_INTERVAL", "1s", false),
        SECRETS_KEY("storage.secrets-key", "WATCHPOST_SECRETS_KEY", null, true),
        SECRETS_KEY_FILE("storage.secrets-key-file", "WATCHPOST_SECRETS_KEY_FILE", null, false),
        ADMIN_TOKENS("auth.admin-tokens", "WATCHPOST_ADMIN_TOKEN", null, true),
        INGEST_TOKENS("auth.ingest-tokens", "WATCHPOST_INGEST_TOKEN", null, true),
        READ_TOKENS("auth.read-tokens", "WATCHPOST_READ_TOKEN", null, true),
        INSECURE("auth.insecure", "WATCHPOST_INSECURE", "false", false),
        PUBLIC_READ("auth.public-read", "WATCHPOST_PUBLIC_READ", "true", false),
        LOG_LEVEL("logging.level", "WATCHPOST_LOG_LEVEL", "info", false),
        GLANCE_BOTS("glance.bots", "GLANCE_BOTS", null, false),
        GLANCE_PASSPHRASE("glance.passphrase", "GLANCE_PASSPHRASE", null, true),
        GLANCE_HEALTH_TIMEOUT("glance.health-timeout", "GLANCE_HEALTH_TIMEOUT", "30s", false),
        PROBES_MAX_CONCURRENT("probes.max-concurrent", "WATCHPOST_PROBES_MAX_CONCURRENT", "256", false),
        PROBES_MAX_PER_HOST("probes.max-per-host", "WATCHPOST_PROBES_MAX_PER_HOST", "16", false),
        PROBES_LOCATION_LOST_AFTER("probes.location-lost-after", "WATCHPOST_PROBES_LOCATION_LOST_AFTER", "2m", false),
        ALERTS_STARTUP_GRACE("alerts.startup-grace", "WATCHPOST_ALERTS_STARTUP_GRACE", "1m", false),
        // A second variable name is Argus' own, read with Argus' meaning when Watchpost's is not set.
        ARGUS_INTERVAL("argus.interval", "ARGUS_FLEET_INTERVAL", "15s", false, "ARGUS_FLEET_HEARTBEAT_INTERVAL"),
        ARGUS_TTL_FACTOR("argus.ttl-factor", "ARGUS_FLEET_TTL_FACTOR", "3", false),
        ARGUS_NAMESPACE("argus.namespace", "ARGUS_FLEET_NAMESPACE", "discord", false, "ARGUS_NAMESPACE"),
        ARGUS_HISTORY("argus.history", "ARGUS_FLEET_HISTORY", "240", false),
        ARGUS_RATE_LIMIT("argus.rate-limit", "ARGUS_FLEET_RATE_LIMIT", "2", false),
        ARGUS_IP_RATE_LIMIT("argus.ip-rate-limit", "ARGUS_FLEET_IP_RATE_LIMIT", "100", false),
        ARGUS_GROUP("argus.group", "ARGUS_FLEET_GROUP", "fleet", false),
        ARGUS_MAX_MEMBERS("argus.max-members", "ARGUS_FLEET_MAX_MEMBERS", "1000", false),
        ARGUS_PROMETHEUS_URL("argus.prometheus-url", "ARGUS_FLEET_PROMETHEUS_URL", null, false),
        ARGUS_INGEST_TOKENS("argus.ingest-tokens", "ARGUS_FLEET_INGEST_TOKENS", null, true, "ARGUS_FLEET_INGEST_TOKEN"),
        ARGUS_VIEWER_TOKENS("argus.viewer-tokens", "ARGUS_FLEET_VIEWER_TOKENS", null, true, "ARGUS_FLEET_VIEWER_TOKEN"),
        /** Argus' one shared token: an ingest and a read token, unless the split ones are set. */
        ARGUS_TOKEN("argus.token", "ARGUS_FLEET_TOKEN", null, true),
        PLATYPUS_SECRET("platypus.secret", "PLATYPUS_SECRET", null, true),
        PLATYPUS_GROUP("platypus.group", "PLATYPUS_GROUP", "servers", false),
        PLATYPUS_INTERVAL("platypus.interval", "PLATYPUS_INTERVAL", "5s", false),
        PLATYPUS_TIMEOUT("platypus.timeout", "PLATYPUS_TIMEOUT", "10s", false),
        CLUSTER_NODE_ID("cluster.node-id", "WATCHPOST_NODE_ID", null, false),
        CLUSTER_ADVERTISE_URL("cluster.advertise-url", "WATCHPOST_ADVERTISE_URL", null, false),
        CLUSTER_SECRET("cluster.secret", "WATCHPOST_CLUSTER_SECRET", null, true);

        final String key;
        final String env;
        final String dflt;
        final boolean secret;
        /** Argus' own name for this setting, or null. */
        final String alias;

        Setting(String key, String env, String dflt, boolean secret) {
            this(key, env, dflt, secret, null);
        }

        Setting(String key, String env, String dflt, boolean secret, String alias) {
            this.key = key;
            this.env = env;
            this.dflt = dflt;
            this.secret = secret;
            this.alias = alias;
        }
    }

    /**
     * Duration settings whose original read a bare whole number of seconds ({@code GLANCE_HEALTH_TIMEOUT=30}):
     * for these a bare number means seconds, and every duration form keeps working. Other durations need a unit.
     */
    static final Set<Setting> BARE_SECONDS = java.util.EnumSet.of(Setting.GLANCE_HEALTH_TIMEOUT,
            Setting.PLATYPUS_INTERVAL, Setting.PLATYPUS_TIMEOUT);

    /** Minimum token length: anything shorter is guessable and almost certainly a mistake. */
    static final int MIN_TOKEN_LENGTH = 16;

    private static final Set<String> LEVELS = Set.of("error", "warn", "info", "debug", "trace");

    /** A value as given, with where it came from (for error messages). */
    private record Raw(List<String> values, String source) {
        String first() {
            return values.isEmpty() ? null : values.get(0);
        }
    }

    /** Sections that declare monitored objects (lists), handed on unparsed to the feature that owns them. */
    static final Set<String> DECLARATION_SECTIONS = Set.of("groups", "targets", "channels", "rules");

    /** Sections whose string values may name environment variables as {@code ${NAME}} (their secrets). */
    static final Set<String> EXPANDED_SECTIONS = Set.of("targets", "channels", "rules");
    private static final java.util.regex.Pattern VARIABLE = java.util.regex.Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");

    private final Map<Setting, Raw> raw = new LinkedHashMap<>();
    private final Map<String, List<JsonNode>> declarations = new LinkedHashMap<>();
    private WatchpostConfig.StatusPage statusPage = WatchpostConfig.StatusPage.defaults();
    private Map<String, String> env = Map.of();

    private ConfigLoader() {
    }

    /**
     * @param file     the YAML file, or empty for none
     * @param env      the environment (a map so tests can pass their own)
     * @param insecure true when {@code --insecure} was given on the command line
     */
    public static WatchpostConfig load(Optional<Path> file, Map<String, String> env, boolean insecure) {
        ConfigLoader loader = new ConfigLoader();
        loader.env = env;
        file.ifPresent(loader::readFile);
        loader.readEnv(env);
        if (insecure) {
            loader.raw.put(Setting.INSECURE, new Raw(List.of("true"), "--insecure"));
        }
        return loader.build(new WatchpostConfig.Source(file, env, insecure));
    }

    /** Reads the configuration again from where {@code source} says it came from (a reload). */
    public static WatchpostConfig reload(WatchpostConfig.Source source) {
        return load(source.file(), source.env(), source.insecure());
    }

    /** The config file to read: {@code --config} wins over {@code WATCHPOST_CONFIG}. */
    public static Optional<Path> configFile(Optional<String> fromArgs, Map<String, String> env) {
        return fromArgs.or(() -> Optional.ofNullable(env.get("WATCHPOST_CONFIG")).filter(s -> !s.isBlank()))
                .map(Path::of);
    }

    /**
     * Prefixes of the variables Watchpost reads: Watchpost's own and the replaced systems' (Glance,
     * Argus Fleet), so a typo in any of them is reported rather than silently ignored.
     */
    static final List<String> ENV_PREFIXES = List.of("WATCHPOST_", "GLANCE_", "ARGUS_", "PLATYPUS_");

    /**
     * Variables with one of {@link #ENV_PREFIXES} that are read without being a {@link Setting} row.
     * A variable that is a setting needs no entry here: its row in {@link Setting} makes it known.
     */
    static final Set<String> ENV_READ_ELSEWHERE = Set.of("WATCHPOST_CONFIG");

    /**
     * The replaced systems' own variables that Watchpost does not read, with what to do instead; they
     * are reported as unknown, with this hint instead of "typo?".
     */
    static final Map<String, String> ENV_NOT_READ = Map.of(
            "GLANCE_HOST", "Glance's listen address; Watchpost listens on WATCHPOST_HOST",
            "GLANCE_PORT", "Glance's listen port; Watchpost listens on WATCHPOST_PORT",
            "GLANCE_HEALTH_TIMER_INTERVAL", "not needed: Watchpost expires each shard when its health timeout ends");

    /**
     * Names of variables with one of {@link #ENV_PREFIXES} that no setting reads, sorted; a typo
     * there is worth a warning ({@link #unknownHint} says what to write).
     */
    public static List<String> unknownEnvironment(Map<String, String> env) {
        Set<String> known = knownVariables();
        return env.keySet().stream()
                .filter(k -> ENV_PREFIXES.stream().anyMatch(k::startsWith) && !known.contains(k))
                .sorted().toList();
    }

    /** What to tell the operator about an unknown variable (see {@link #unknownEnvironment}). */
    public static String unknownHint(String name) {
        return ENV_NOT_READ.getOrDefault(name, "not a Watchpost setting; typo?");
    }

    /** Every environment variable some setting reads. */
    static Set<String> knownVariables() {
        Set<String> known = Arrays.stream(Setting.values()).map(s -> s.env).collect(Collectors.toSet());
        Arrays.stream(Setting.values()).filter(s -> s.alias != null).forEach(s -> known.add(s.alias));
        known.addAll(ENV_READ_ELSEWHERE);
        return known;
    }

    private void readFile(Path file) {
        JsonNode root;
        try {
            root = new YAMLMapper().readTree(Files.readAllBytes(file));
        } catch (JsonProcessingException e) {
            throw new ConfigException(file + " is not valid YAML: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr()));
        } catch (IOException e) {
            throw new ConfigException("cannot read config file " + file + ": " + e);
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            return;
        }
        if (!root.isObject()) {
            throw new ConfigException(file + " must be a YAML mapping of sections (server, storage, auth, logging)");
        }
        Map<String, Map<String, Setting>> sections = new LinkedHashMap<>();
        for (Setting s : Setting.values()) {
            String[] parts = s.key.split("\\.", 2);
            sections.computeIfAbsent(parts[0], k -> new LinkedHashMap<>()).put(parts[1], s);
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> section = it.next();
            if (section.getKey().equals(StatusPageSettings.SECTION)) {
                statusPage = StatusPageSettings.parse(section.getValue(), file);
                continue;
            }
            if (DECLARATION_SECTIONS.contains(section.getKey())) {
                if (!section.getValue().isArray()) {
                    throw new ConfigException("section '" + section.getKey() + "' in " + file + " must be a list");
                }
                List<JsonNode> items = new ArrayList<>();
                section.getValue().forEach(items::add);
                if (EXPANDED_SECTIONS.contains(section.getKey())) {
                    for (int i = 0; i < items.size(); i++) {
                        String where = section.getKey() + "[" + i + "]";
                        String id = ConfigException.idOf(items.get(i));
                        items.set(i, expand(items.get(i), id == null ? where : where + " (" + id + ")"));
                    }
                }
                declarations.put(section.getKey(), items);
                continue;
            }
            Map<String, Setting> keys = sections.get(section.getKey());
            if (keys == null) {
                throw new ConfigException("unknown section '" + section.getKey() + "' in " + file
                        + " (known: " + String.join(", ", sections.keySet()) + ", groups, targets, channels, rules, "
                        + StatusPageSettings.SECTION + ")");
            }
            if (!section.getValue().isObject()) {
                throw new ConfigException("section '" + section.getKey() + "' in " + file + " must be a mapping");
            }
            SpecReader.unknownKey(section.getValue(), keys.keySet()).ifPresent(k -> {
                throw new ConfigException("unknown key '" + section.getKey() + "." + k + "' in " + file
                        + " (known: " + new TreeSet<>(keys.keySet()).stream()
                        .map(known -> section.getKey() + "." + known).collect(Collectors.joining(", ")) + ")");
            });
            for (Iterator<Map.Entry<String, JsonNode>> f = section.getValue().fields(); f.hasNext(); ) {
                Map.Entry<String, JsonNode> field = f.next();
                Setting s = keys.get(field.getKey());
                JsonNode v = field.getValue();
                List<String> values = new ArrayList<>();
                if (v.isArray()) {
                    for (JsonNode item : v) {
                        if (!item.isValueNode()) {
                            throw new ConfigException(s.key + " in " + file + " must be a list of strings");
                        }
                        values.add(item.asText());
                    }
                } else if (v.isValueNode()) {
                    if (!v.isNull()) {
                        values.add(v.asText());
                    }
                } else {
                    throw new ConfigException(s.key + " in " + file + " must be a value, not a mapping");
                }
                raw.put(s, new Raw(values, file.getFileName().toString()));
            }
        }
    }

    /**
     * Replaces {@code ${NAME}} in every string of {@code node} with the environment variable's value,
     * so secrets (webhook URLs, passwords) stay out of the file. An unset variable stops loading,
     * naming where it was used; the value itself is never printed.
     */
    private JsonNode expand(JsonNode node, String where) {
        if (node.isTextual()) {
            java.util.regex.Matcher m = VARIABLE.matcher(node.asText());
            StringBuilder out = new StringBuilder();
            while (m.find()) {
                String value = env.get(m.group(1));
                if (value == null) {
                    throw new ConfigException(where + ": environment variable " + m.group(1) + " is not set");
                }
                m.appendReplacement(out, java.util.regex.Matcher.quoteReplacement(value));
            }
            m.appendTail(out);
            return com.fasterxml.jackson.databind.node.TextNode.valueOf(out.toString());
        }
        if (node.isObject()) {
            com.fasterxml.jackson.databind.node.ObjectNode copy = ((com.fasterxml.jackson.databind.node.ObjectNode) node).objectNode();
            node.fields().forEachRemaining(f -> copy.set(f.getKey(), expand(f.getValue(), where + "." + f.getKey())));
            return copy;
        }
        if (node.isArray()) {
            com.fasterxml.jackson.databind.node.ArrayNode copy = ((com.fasterxml.jackson.databind.node.ArrayNode) node).arrayNode();
            for (int i = 0; i < node.size(); i++) {
                copy.add(expand(node.get(i), where + "[" + i + "]"));
            }
            return copy;
        }
        return node;
    }

    private void readEnv(Map<String, String> env) {
        for (Setting s : Setting.values()) {
            String name = s.env;
            String v = env.get(name);
            if (v == null && s.alias != null && env.get(s.alias) != null) {
                name = s.alias;
                v = env.get(name);
                // Argus reads its heartbeat interval as whole seconds.
                if (s == Setting.ARGUS_INTERVAL && v.trim().matches("\\d{1,9}")) {
                    v = v.trim() + "s";
                }
            }
            if (v != null) {
                List<String> values = Arrays.stream(v.split(",")).map(String::trim).filter(x -> !x.isEmpty()).toList();
                raw.put(s, new Raw(isList(s) ? values : List.of(v.trim()), name));
            }
        }
    }

    private static boolean isList(Setting s) {
        return s == Setting.ADMIN_TOKENS || s == Setting.INGEST_TOKENS || s == Setting.READ_TOKENS
                || s == Setting.ARGUS_INGEST_TOKENS || s == Setting.ARGUS_VIEWER_TOKENS || s == Setting.ARGUS_TOKEN;
    }

    private WatchpostConfig build(WatchpostConfig.Source source) {
        var server = new WatchpostConfig.Server(
                host(),
                intIn(Setting.PORT, 0, 65535, "a port number 0-65535"),
                url(Setting.PUBLIC_URL),
                size(Setting.MAX_BODY, 1024, 64L * 1024 * 1024),
                duration(Setting.SHUTDOWN_GRACE, Duration.ZERO, Duration.ofMinutes(10)),
                duration(Setting.STREAM_KEEPALIVE, Duration.ofMillis(100), Duration.ofMinutes(5)),
                duration(Setting.IDLE_TIMEOUT, Duration.ofSeconds(1), Duration.ofHours(1)),
                text(Setting.MAX_CONNECTIONS).orElseThrow().equalsIgnoreCase("auto") ? java.util.OptionalInt.empty()
                        : java.util.OptionalInt.of(intIn(Setting.MAX_CONNECTIONS, 1, 1_000_000, "auto or an integer 1-1000000")),
                intIn(Setting.MAX_CONNECTIONS_PER_ADDRESS, 0, 1_000_000, "an integer 0-1000000 (0: no limit per address)"),
                duration(Setting.HEADER_TIMEOUT, Duration.ofSeconds(1), Duration.ofMinutes(10)),
                duration(Setting.BODY_TIMEOUT, Duration.ofSeconds(1), Duration.ofMinutes(10)));
        if (server.streamKeepAlive().compareTo(server.idleTimeout()) >= 0) {
            // a feed whose client only listens would be closed as idle between two keep-alives
            throw invalid(Setting.STREAM_KEEPALIVE, "a duration shorter than server.idle-timeout ("
                    + Durations.format(server.idleTimeout()) + ")");
        }
        Path dataDir = Path.of(text(Setting.DATA_DIR).orElseThrow());
        var storage = new WatchpostConfig.Storage(
                dataDir,
                dbUrl(),
                text(Setting.DB_USER),
                text(Setting.DB_PASSWORD),
                intIn(Setting.DB_POOL_SIZE, 1, 200, "an integer 1-200"),
                duration(Setting.FLUSH_INTERVAL, Duration.ofMillis(10), Duration.ofMinutes(1)),
                secretsKey(),
                text(Setting.SECRETS_KEY_FILE).map(Path::of).orElse(dataDir.resolve("secrets.key")));
        // Argus Fleet's member and viewer tokens are Watchpost ingest and read tokens; as in Argus, its
        // shared token stands for either side whose own token is not set.
        List<String> argusShared = tokens(Setting.ARGUS_TOKEN);
        List<String> argusIngest = tokens(Setting.ARGUS_INGEST_TOKENS);
        List<String> argusViewer = tokens(Setting.ARGUS_VIEWER_TOKENS);
        var auth = new WatchpostConfig.Auth(
                tokens(Setting.ADMIN_TOKENS),
                concat(tokens(Setting.INGEST_TOKENS), argusIngest.isEmpty() ? argusShared : argusIngest),
                concat(tokens(Setting.READ_TOKENS), argusViewer.isEmpty() ? argusShared : argusViewer),
                bool(Setting.INSECURE), bool(Setting.PUBLIC_READ));
        String level = text(Setting.LOG_LEVEL).orElseThrow().toLowerCase(Locale.ROOT);
        if (!LEVELS.contains(level)) {
            throw invalid(Setting.LOG_LEVEL, "one of " + String.join(", ", new TreeSet<>(LEVELS)));
        }
        String glanceBots = text(Setting.GLANCE_BOTS).orElse("");
        if (!glanceBots.isEmpty() && !glanceBots.matches("\\s*[^:;\\s]+\\s*:\\s*\\d{1,7}\\s*(;\\s*[^:;\\s]+\\s*:\\s*\\d{1,7}\\s*)*;?\\s*")) {
            throw invalid(Setting.GLANCE_BOTS, "cluster:shards pairs separated by ';', e.g. main:360;patron_1:6");
        }
        Map<String, Integer> bots = new LinkedHashMap<>();
        for (String pair : glanceBots.split(";")) {
            if (!pair.isBlank()) {
                String[] kv = pair.split(":");
                if (bots.put(kv[0].strip(), Integer.parseInt(kv[1].strip())) != null) {
                    throw invalid(Setting.GLANCE_BOTS, "each cluster once (cluster '" + kv[0].strip() + "' is named twice)");
                }
            }
        }
        var glance = new WatchpostConfig.Glance(bots, text(Setting.GLANCE_PASSPHRASE),
                duration(Setting.GLANCE_HEALTH_TIMEOUT, Duration.ofSeconds(1), Duration.ofDays(1)));
        String namespace = text(Setting.ARGUS_NAMESPACE).orElseThrow();
        if (!namespace.matches("[a-zA-Z_][a-zA-Z0-9_]{0,63}")) {
            throw invalid(Setting.ARGUS_NAMESPACE, "a Prometheus metric prefix of letters, digits and '_'");
        }
        String group = text(Setting.ARGUS_GROUP).orElseThrow();
        if (!group.matches("[a-z0-9][a-z0-9._-]{0,63}")) {
            throw invalid(Setting.ARGUS_GROUP, "a group id of lower-case letters, digits, '.', '_' and '-'");
        }
        Optional<URI> prometheus = url(Setting.ARGUS_PROMETHEUS_URL);
        if (prometheus.isPresent() && (prometheus.get().getRawQuery() != null || prometheus.get().getRawFragment() != null)) {
            throw invalid(Setting.ARGUS_PROMETHEUS_URL, "an absolute http:// or https:// URL without query or fragment");
        }
        var argus = new WatchpostConfig.Argus(
                duration(Setting.ARGUS_INTERVAL, Duration.ofSeconds(1), Duration.ofHours(1)),
                intIn(Setting.ARGUS_TTL_FACTOR, 1, 1000, "an integer 1-1000"),
                namespace,
                intIn(Setting.ARGUS_HISTORY, 1, 100_000, "an integer 1-100000"),
                positive(Setting.ARGUS_RATE_LIMIT), positive(Setting.ARGUS_IP_RATE_LIMIT), group,
                prometheus, intIn(Setting.ARGUS_MAX_MEMBERS, 1, 1_000_000, "an integer 1-1000000"),
                raw.keySet().stream().anyMatch(k -> k.key.startsWith("argus.")));
        var probes = new WatchpostConfig.Probes(
                intIn(Setting.PROBES_MAX_CONCURRENT, 1, 100_000, "an integer 1-100000"),
                intIn(Setting.PROBES_MAX_PER_HOST, 1, 100_000, "an integer 1-100000"),
                duration(Setting.PROBES_LOCATION_LOST_AFTER, Duration.ofSeconds(20), Duration.ofHours(1)));
        var declared = new WatchpostConfig.Declarations(declarations.getOrDefault("groups", List.of()),
                declarations.getOrDefault("targets", List.of()));
        var alerts = new WatchpostConfig.Alerts(duration(Setting.ALERTS_STARTUP_GRACE, Duration.ZERO, Duration.ofHours(1)),
                declarations.getOrDefault("channels", List.of()), declarations.getOrDefault("rules", List.of()));
        return new WatchpostConfig(server, storage, auth, new WatchpostConfig.Logging(level), glance, argus, probes,
                declared, alerts, platypus(), cluster(server, storage), statusPage, source);
    }

    /**
     * Cluster mode is on when a cluster secret is set; it needs PostgreSQL (the one place the nodes
     * coordinate) and one sealing key on every node (each seals and opens the others' rows).
     */
    private WatchpostConfig.Cluster cluster(WatchpostConfig.Server server, WatchpostConfig.Storage storage) {
        Optional<String> secret = text(Setting.CLUSTER_SECRET);
        Optional<String> nodeId = text(Setting.CLUSTER_NODE_ID).map(String::strip);
        if (nodeId.isPresent() && !nodeId.get().matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")) {
            throw invalid(Setting.CLUSTER_NODE_ID, "letters, digits, '.', '_' and '-', at most 64");
        }
        Optional<URI> advertise = url(Setting.CLUSTER_ADVERTISE_URL);
        if (advertise.isPresent() && (advertise.get().getRawQuery() != null || advertise.get().getRawFragment() != null)) {
            throw invalid(Setting.CLUSTER_ADVERTISE_URL, "an absolute http:// or https:// URL without query or fragment");
        }
        if (secret.isEmpty()) {
            return new WatchpostConfig.Cluster(Optional.empty(), nodeId, advertise);
        }
        if (secret.get().length() < MIN_TOKEN_LENGTH || !secret.get().chars().allMatch(c -> c > 32 && c < 127)) {
            throw invalid(Setting.CLUSTER_SECRET, "a secret of at least " + MIN_TOKEN_LENGTH
                    + " printable characters without spaces, the same on every node");
        }
        if (!storage.jdbcUrl().startsWith("jdbc:postgresql:")) {
            throw new ConfigException("cluster.secret (WATCHPOST_CLUSTER_SECRET) is set, but cluster mode needs "
                    + "PostgreSQL: set storage.url (WATCHPOST_DB_URL) to a jdbc:postgresql: URL every node reaches; "
                    + "SQLite serves one node");
        }
        if (storage.secretsKey().isEmpty() && text(Setting.SECRETS_KEY_FILE).isEmpty()) {
            throw new ConfigException("cluster mode: every node must seal secrets with the same key: set "
                    + "storage.secrets-key (WATCHPOST_SECRETS_KEY) on every node, or storage.secrets-key-file to a "
                    + "file that holds the same key on every node");
        }
        String id = nodeId.orElseGet(() -> defaultNodeId(server.port()));
        URI url = advertise.orElseGet(() -> {
            String host = server.host();
            if (server.port() == 0 || host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")) {
                throw new ConfigException("cluster mode: set cluster.advertise-url (WATCHPOST_ADVERTISE_URL), the "
                        + "address other nodes reach this one at; it cannot be told from server.host " + host
                        + " and server.port " + server.port());
            }
            return URI.create("http://" + (host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host)
                    + ":" + server.port());
        });
        return new WatchpostConfig.Cluster(secret, Optional.of(id), Optional.of(url));
    }

    /** The host's name and the port: unique per process on one machine, stable across restarts. */
    private static String defaultNodeId(int port) {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            host = "node";
        }
        String clean = host.replaceAll("[^A-Za-z0-9._-]", "-");
        if (clean.isEmpty() || !Character.isLetterOrDigit(clean.charAt(0))) {
            clean = "node" + clean;
        }
        return clean.substring(0, Math.min(56, clean.length())) + "-" + port;
    }

    private WatchpostConfig.Platypus platypus() {
        Optional<String> secret = text(Setting.PLATYPUS_SECRET);
        if (secret.isPresent() && (secret.get().length() < MIN_TOKEN_LENGTH
                || !secret.get().chars().allMatch(c -> c > 32 && c < 127))) {
            throw invalid(Setting.PLATYPUS_SECRET, "a secret of at least " + MIN_TOKEN_LENGTH
                    + " printable characters without spaces (Platypus generates 64 hex digits)");
        }
        String group = text(Setting.PLATYPUS_GROUP).orElseThrow();
        if (!group.matches("[a-z0-9][a-z0-9._-]{0,63}(/[a-z0-9][a-z0-9._-]{0,63}){0,6}")) {
            throw invalid(Setting.PLATYPUS_GROUP, "a group id of lower-case letters, digits, '.', '_' and '-' (segments separated by '/')");
        }
        // Platypus's own config gives its interval in whole seconds; durations work too.
        return new WatchpostConfig.Platypus(secret, group,
                duration(Setting.PLATYPUS_INTERVAL, Duration.ofSeconds(1), Duration.ofHours(1)),
                duration(Setting.PLATYPUS_TIMEOUT, Duration.ofSeconds(2), Duration.ofDays(1)));
    }

    private Optional<String> text(Setting s) {
        Raw r = raw.get(s);
        String v = r == null ? s.dflt : r.first();
        return Optional.ofNullable(v).filter(x -> !x.isBlank());
    }

    private ConfigException invalid(Setting s, String allowed) {
        Raw r = raw.get(s);
        String value = r == null ? s.dflt : String.join(",", r.values());
        return new ConfigException(s.key, s.secret ? "(hidden)" : value, r == null ? "default" : r.source(), allowed);
    }

    private String host() {
        String h = text(Setting.HOST).orElseThrow(() -> invalid(Setting.HOST, "a host name or IP address"));
        if (!h.matches("[A-Za-z0-9._:\\-\\[\\]%]+")) {
            throw invalid(Setting.HOST, "a host name or IP address such as 127.0.0.1 or 0.0.0.0");
        }
        return h;
    }

    private int intIn(Setting s, int lo, int hi, String allowed) {
        try {
            int v = Integer.parseInt(text(s).orElseThrow(() -> invalid(s, allowed)));
            if (v < lo || v > hi) {
                throw invalid(s, allowed);
            }
            return v;
        } catch (NumberFormatException e) {
            throw invalid(s, allowed);
        }
    }

    private Duration duration(Setting s, Duration min, Duration max) {
        boolean bare = BARE_SECONDS.contains(s);
        String allowed = (bare ? "whole seconds (30) or " + Durations.ALLOWED : Durations.ALLOWED)
                + ", between " + Durations.format(min) + " and " + Durations.format(max);
        Duration d = text(s).flatMap(t -> bare && t.strip().matches("\\d{1,9}")
                        ? Optional.of(Duration.ofSeconds(Long.parseLong(t.strip())))
                        : Durations.parse(t))
                .orElseThrow(() -> invalid(s, allowed));
        if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
            throw invalid(s, allowed);
        }
        return d;
    }

    private long size(Setting s, long min, long max) {
        String allowed = Sizes.ALLOWED + ", between " + min + " and " + max + " bytes";
        OptionalLong v = text(s).map(Sizes::parse).orElse(OptionalLong.empty());
        if (v.isEmpty() || v.getAsLong() < min || v.getAsLong() > max) {
            throw invalid(s, allowed);
        }
        return v.getAsLong();
    }

    private boolean bool(Setting s) {
        String v = text(s).orElseThrow().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> throw invalid(s, "true or false");
        };
    }

    private double positive(Setting s) {
        String allowed = "a number of requests per second greater than 0, e.g. 2 or 0.5";
        try {
            double v = Double.parseDouble(text(s).orElseThrow(() -> invalid(s, allowed)));
            if (!(v > 0) || Double.isInfinite(v)) {
                throw invalid(s, allowed);
            }
            return v;
        } catch (NumberFormatException e) {
            throw invalid(s, allowed);
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    private Optional<URI> url(Setting s) {
        Optional<String> v = text(s);
        if (v.isEmpty()) {
            return Optional.empty();
        }
        try {
            URI u = new URI(v.get());
            if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme())) || u.getHost() == null) {
                throw invalid(s, "an absolute http:// or https:// URL");
            }
            return Optional.of(u);
        } catch (URISyntaxException e) {
            throw invalid(s, "an absolute http:// or https:// URL");
        }
    }

    /** 32 bytes in base64: an AES-256 key. */
    private Optional<String> secretsKey() {
        Optional<String> key = text(Setting.SECRETS_KEY).map(String::strip);
        if (key.isPresent()) {
            byte[] raw;
            try {
                raw = java.util.Base64.getDecoder().decode(key.get());
            } catch (IllegalArgumentException e) {
                raw = new byte[0];
            }
            if (raw.length != 32) {
                throw invalid(Setting.SECRETS_KEY, "32 random bytes in base64 (make one with: openssl rand -base64 32)");
            }
        }
        return key;
    }

    private Optional<String> dbUrl() {
        Optional<String> v = text(Setting.DB_URL);
        if (v.isPresent() && !(v.get().startsWith("jdbc:postgresql:") || v.get().startsWith("jdbc:sqlite:"))) {
            throw invalid(Setting.DB_URL, "a JDBC URL starting with jdbc:postgresql: or jdbc:sqlite:");
        }
        return v;
    }

    private List<String> tokens(Setting s) {
        Raw r = raw.get(s);
        if (r == null) {
            return List.of();
        }
        for (String t : r.values()) {
            if (t.length() < MIN_TOKEN_LENGTH || !t.chars().allMatch(c -> c > 32 && c < 127)) {
                throw invalid(s, "tokens of at least " + MIN_TOKEN_LENGTH
                        + " printable characters without spaces, comma-separated");
            }
        }
        return r.values();
    }
}
