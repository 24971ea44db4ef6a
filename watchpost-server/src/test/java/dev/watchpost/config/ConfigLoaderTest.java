package dev.watchpost.config;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Tag("integration")
class ConfigLoaderTest {

    @TempDir
    Path dir;

    private static WatchpostConfig env(Map<String, String> env) {
        return ConfigLoader.load(Optional.empty(), env, false);
    }

    @Test
    void zeroConfigurationGivesLoopbackSqliteUnderData() {
        WatchpostConfig c = env(Map.of());
        assertThat(c.server().host()).isEqualTo("127.0.0.1");
        assertThat(c.server().port()).isEqualTo(8080);
        assertThat(c.storage().jdbcUrl()).isEqualTo("jdbc:sqlite:./data/watchpost.db");
        assertThat(c.server().maxBodyBytes()).isEqualTo(256 * 1024);
        assertThat(c.auth().insecure()).isFalse();
        assertThat(c.auth().adminTokens()).isEmpty();
    }

    @Test
    void clusterModeIsOffWithoutASecretAndNeedsPostgresqlAndOneSealingKeyWithIt() {
        assertThat(env(Map.of()).cluster().enabled()).isFalse();
        String secret = "cluster-secret-0123456789";
        assertThatThrownBy(() -> env(Map.of("WATCHPOST_CLUSTER_SECRET", secret))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("cluster mode needs PostgreSQL").hasMessageNotContaining(secret);
        String pg = "jdbc:postgresql://db/watchpost";
        assertThatThrownBy(() -> env(Map.of("WATCHPOST_CLUSTER_SECRET", secret, "WATCHPOST_DB_URL", pg)))
                .isInstanceOf(ConfigException.class).hasMessageContaining("the same key");
        assertThatThrownBy(() -> env(Map.of("WATCHPOST_CLUSTER_SECRET", "short", "WATCHPOST_DB_URL", pg)))
                .isInstanceOf(ConfigException.class).hasMessageContaining("cluster.secret").hasMessageNotContaining("short");
        WatchpostConfig c = env(Map.of("WATCHPOST_CLUSTER_SECRET", secret, "WATCHPOST_DB_URL", pg,
                "WATCHPOST_SECRETS_KEY_FILE", "/shared/secrets.key", "WATCHPOST_HOST", "10.0.0.5", "WATCHPOST_PORT", "8081",
                "WATCHPOST_INSECURE", "true"));
        assertThat(c.cluster().enabled()).isTrue();
        assertThat(c.cluster().advertiseUrl()).contains(java.net.URI.create("http://10.0.0.5:8081"));
        assertThat(c.cluster().nodeId().orElseThrow()).endsWith("-8081");
        assertThat(c.cluster().toString()).doesNotContain(secret);
        // a wildcard listener does not say where peers reach the node
        assertThatThrownBy(() -> env(Map.of("WATCHPOST_CLUSTER_SECRET", secret, "WATCHPOST_DB_URL", pg,
                "WATCHPOST_SECRETS_KEY_FILE", "/shared/secrets.key", "WATCHPOST_HOST", "0.0.0.0")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("cluster.advertise-url");
        assertThatThrownBy(() -> env(Map.of("WATCHPOST_NODE_ID", "no spaces please"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("cluster.node-id");
    }

    @Test
    void connectionLimitsDefaultToTheDescriptorLimitAndOneHundredPerAddress() {
        WatchpostConfig c = env(Map.of());
        assertThat(c.server().maxConnections()).isEmpty();
        assertThat(c.server().maxConnectionsPerAddress()).isEqualTo(100);

        c = env(Map.of("WATCHPOST_MAX_CONNECTIONS", "2000", "WATCHPOST_MAX_CONNECTIONS_PER_ADDRESS", "0"));
        assertThat(c.server().maxConnections()).hasValue(2000);
        assertThat(c.server().maxConnectionsPerAddress()).as("0: no limit per address").isZero();
        assertThat(env(Map.of("WATCHPOST_MAX_CONNECTIONS", "AUTO")).server().maxConnections()).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({"WATCHPOST_MAX_CONNECTIONS, 0, server.max-connections",
            "WATCHPOST_MAX_CONNECTIONS, lots, server.max-connections",
            "WATCHPOST_MAX_CONNECTIONS_PER_ADDRESS, -1, server.max-connections-per-address",
            "WATCHPOST_MAX_CONNECTIONS_PER_ADDRESS, auto, server.max-connections-per-address"})
    void connectionLimitsOutOfRangeNameTheKey(String variable, String value, String key) {
        assertThatThrownBy(() -> env(Map.of(variable, value))).isInstanceOf(ConfigException.class)
                .hasMessageContaining(key).hasMessageContaining(value);
    }

    @Test
    void argusPrometheusUrlIsOptional() {
        assertThat(env(Map.of()).argus().prometheusUrl()).isEmpty();
        assertThat(env(Map.of("ARGUS_FLEET_PROMETHEUS_URL", "http://prometheus:9090")).argus().prometheusUrl())
                .contains(URI.create("http://prometheus:9090"));
        assertThatThrownBy(() -> env(Map.of("ARGUS_FLEET_PROMETHEUS_URL", "prometheus:9090")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("argus.prometheus-url").hasMessageContaining("ARGUS_FLEET_PROMETHEUS_URL");
        assertThatThrownBy(() -> env(Map.of("ARGUS_FLEET_PROMETHEUS_URL", "http://prometheus:9090/?x=1")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("without query");
    }

    @Test
    void requestHeadAndBodyTimeoutsDefaultTo10And30SecondsWithinBounds() {
        assertThat(env(Map.of()).server().headerTimeout()).isEqualTo(java.time.Duration.ofSeconds(10));
        assertThat(env(Map.of()).server().bodyTimeout()).isEqualTo(java.time.Duration.ofSeconds(30));
        assertThat(env(Map.of("WATCHPOST_HEADER_TIMEOUT", "2s")).server().headerTimeout()).isEqualTo(java.time.Duration.ofSeconds(2));
        assertThatThrownBy(() -> env(Map.of("WATCHPOST_BODY_TIMEOUT", "500ms")))
                .hasMessage("invalid configuration: server.body-timeout = \"500ms\" (from WATCHPOST_BODY_TIMEOUT): expected a duration "
                        + "such as 500ms, 90s, 15m, 24h, 1d or ISO-8601 (PT30S), between 1s and 10m");
    }

    @Test
    void aRemoteLocationIsLostAfterTwoMinutesByDefaultAndNeverSoonerThanTwentySeconds() {
        assertThat(env(Map.of()).probes().locationLostAfter()).isEqualTo(java.time.Duration.ofMinutes(2));
        assertThat(env(Map.of("WATCHPOST_PROBES_LOCATION_LOST_AFTER", "45s")).probes().locationLostAfter())
                .isEqualTo(java.time.Duration.ofSeconds(45));
        assertThatThrownBy(() -> env(Map.of("WATCHPOST_PROBES_LOCATION_LOST_AFTER", "10s")))
                .hasMessageContaining("probes.location-lost-after = \"10s\" (from WATCHPOST_PROBES_LOCATION_LOST_AFTER)")
                .hasMessageContaining("between 20s and 1h");
    }

    @Test
    void environmentOverridesTheFile() throws IOException {
        Path file = dir.resolve("watchpost.yml");
        Files.writeString(file, """
                server:
                  host: 0.0.0.0
                  port: 9000
                  shutdown-grace: 90s
                storage:
                  data-dir: /var/lib/watchpost
                auth:
                  ingest-tokens: [ingest-aaaaaaaaaaaaaaaa, ingest-bbbbbbbbbbbbbbbb]
                """);
        WatchpostConfig c = ConfigLoader.load(Optional.of(file), Map.of("WATCHPOST_PORT", "9100"), false);
        assertThat(c.server().host()).isEqualTo("0.0.0.0");
        assertThat(c.server().port()).isEqualTo(9100);
        assertThat(c.server().shutdownGrace()).isEqualTo(Duration.ofSeconds(90));
        assertThat(c.storage().dataDir()).isEqualTo(Path.of("/var/lib/watchpost"));
        assertThat(c.auth().ingestTokens()).containsExactly("ingest-aaaaaaaaaaaaaaaa", "ingest-bbbbbbbbbbbbbbbb");
    }

    @Test
    void tokenVariablesTakeCommaSeparatedListsForRotation() {
        WatchpostConfig c = env(Map.of(
                "WATCHPOST_ADMIN_TOKEN", "old-admin-token-123456, new-admin-token-123456",
                "WATCHPOST_INGEST_TOKEN", "ingest-token-1234567890",
                "WATCHPOST_READ_TOKEN", "read-token-12345678901,"));
        assertThat(c.auth().adminTokens()).containsExactly("old-admin-token-123456", "new-admin-token-123456");
        assertThat(c.auth().ingestTokens()).containsExactly("ingest-token-1234567890");
        assertThat(c.auth().readTokens()).containsExactly("read-token-12345678901");
        assertThat(c.auth().toString()).doesNotContain("admin-token-123456");
    }

    @Test
    void postgresUrlAndDataDirectory() {
        WatchpostConfig c = env(Map.of("WATCHPOST_DB_URL", "jdbc:postgresql://db:5432/watchpost",
                "WATCHPOST_DB_PASSWORD", "s3cret", "WATCHPOST_DATA", "/srv/wp", "WATCHPOST_PUBLIC_URL",
                "https://status.example.com"));
        assertThat(c.storage().jdbcUrl()).isEqualTo("jdbc:postgresql://db:5432/watchpost");
        assertThat(c.storage().dataDir()).isEqualTo(Path.of("/srv/wp"));
        assertThat(c.server().publicUrl()).contains(URI.create("https://status.example.com"));
        assertThat(c.storage().toString()).doesNotContain("s3cret");
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
            "WATCHPOST_PORT|abc|invalid configuration: server.port = \"abc\" (from WATCHPOST_PORT): expected a port number 0-65535",
            "WATCHPOST_PORT|70000|invalid configuration: server.port = \"70000\" (from WATCHPOST_PORT): expected a port number 0-65535",
            "WATCHPOST_HOST|bad host!|invalid configuration: server.host = \"bad host!\" (from WATCHPOST_HOST): expected a host name or IP address such as 127.0.0.1 or 0.0.0.0",
            "WATCHPOST_MAX_BODY|huge|invalid configuration: server.max-body = \"huge\" (from WATCHPOST_MAX_BODY): expected a size in bytes such as 262144, 256KiB or 1MiB, between 1024 and 67108864 bytes",
            "WATCHPOST_SHUTDOWN_GRACE|soon|invalid configuration: server.shutdown-grace = \"soon\" (from WATCHPOST_SHUTDOWN_GRACE): expected a duration such as 500ms, 90s, 15m, 24h, 1d or ISO-8601 (PT30S), between 0s and 10m",
            "WATCHPOST_SHUTDOWN_GRACE|1d|invalid configuration: server.shutdown-grace = \"1d\" (from WATCHPOST_SHUTDOWN_GRACE): expected a duration such as 500ms, 90s, 15m, 24h, 1d or ISO-8601 (PT30S), between 0s and 10m",
            "WATCHPOST_FLUSH_INTERVAL|0s|invalid configuration: storage.flush-interval = \"0s\" (from WATCHPOST_FLUSH_INTERVAL): expected a duration such as 500ms, 90s, 15m, 24h, 1d or ISO-8601 (PT30S), between 10ms and 1m",
            "WATCHPOST_DB_URL|mysql://db/x|invalid configuration: storage.url = \"mysql://db/x\" (from WATCHPOST_DB_URL): expected a JDBC URL starting with jdbc:postgresql: or jdbc:sqlite:",
            "WATCHPOST_DB_POOL_SIZE|0|invalid configuration: storage.pool-size = \"0\" (from WATCHPOST_DB_POOL_SIZE): expected an integer 1-200",
            "WATCHPOST_PUBLIC_URL|ftp://x|invalid configuration: server.public-url = \"ftp://x\" (from WATCHPOST_PUBLIC_URL): expected an absolute http:// or https:// URL",
            "WATCHPOST_INSECURE|maybe|invalid configuration: auth.insecure = \"maybe\" (from WATCHPOST_INSECURE): expected true or false",
            "WATCHPOST_LOG_LEVEL|loud|invalid configuration: logging.level = \"loud\" (from WATCHPOST_LOG_LEVEL): expected one of debug, error, info, trace, warn",
            "WATCHPOST_SECRETS_KEY|c2hvcnQta2V5|invalid configuration: storage.secrets-key = \"(hidden)\" (from WATCHPOST_SECRETS_KEY): expected 32 random bytes in base64 (make one with: openssl rand -base64 32)",
            "WATCHPOST_ADMIN_TOKEN|short|invalid configuration: auth.admin-tokens = \"(hidden)\" (from WATCHPOST_ADMIN_TOKEN): expected tokens of at least 16 printable characters without spaces, comma-separated",
    })
    void eachBadValueGivesOneLineNamingKeyValueAndWhatIsAllowed(String variable, String value, String message) {
        assertThatThrownBy(() -> env(Map.of(variable, value)))
                .isInstanceOf(ConfigException.class)
                .hasMessage(message)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void badValueInTheFileNamesTheFile() throws IOException {
        Path file = dir.resolve("watchpost.yml");
        Files.writeString(file, "server:\n  port: eighty\n");
        assertThatThrownBy(() -> ConfigLoader.load(Optional.of(file), Map.of(), false))
                .hasMessage("invalid configuration: server.port = \"eighty\" (from watchpost.yml): expected a port number 0-65535");
    }

    @Test
    void unknownKeysAreRejectedWithTheKnownOnes() throws IOException {
        Path file = dir.resolve("watchpost.yml");
        Files.writeString(file, "server:\n  prot: 80\n");
        assertThatThrownBy(() -> ConfigLoader.load(Optional.of(file), Map.of(), false))
                .hasMessageStartingWith("invalid configuration: unknown key 'server.prot' in " + file)
                .hasMessageContaining("server.port");
        Files.writeString(file, "servre:\n  port: 80\n");
        assertThatThrownBy(() -> ConfigLoader.load(Optional.of(file), Map.of(), false))
                .hasMessageContaining("unknown section 'servre'");
    }

    @Test
    void malformedYamlSaysWhere() throws IOException {
        Path file = dir.resolve("watchpost.yml");
        Files.writeString(file, "server:\n  port: [8080\n");
        assertThatThrownBy(() -> ConfigLoader.load(Optional.of(file), Map.of(), false))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("is not valid YAML")
                .hasMessageContaining("line");
    }

    @Test
    void missingFileIsAnError() {
        Path file = dir.resolve("nope.yml");
        assertThatThrownBy(() -> ConfigLoader.load(Optional.of(file), Map.of(), false))
                .hasMessageContaining("cannot read config file " + file);
    }

    @Test
    void configFileComesFromFlagThenEnvironment() {
        assertThat(ConfigLoader.configFile(Optional.of("a.yml"), Map.of("WATCHPOST_CONFIG", "b.yml")))
                .contains(Path.of("a.yml"));
        assertThat(ConfigLoader.configFile(Optional.empty(), Map.of("WATCHPOST_CONFIG", "b.yml")))
                .contains(Path.of("b.yml"));
        assertThat(ConfigLoader.configFile(Optional.empty(), Map.of())).isEmpty();
    }

    @Test
    void insecureFlagWins() {
        assertThat(ConfigLoader.load(Optional.empty(), Map.of("WATCHPOST_INSECURE", "false"), true).auth().insecure())
                .isTrue();
    }

    @Test
    void typosInEnvironmentAreReported() {
        assertThat(ConfigLoader.unknownEnvironment(Map.of("WATCHPOST_PROT", "1", "WATCHPOST_PORT", "2", "HOME", "/")))
                .containsExactly("WATCHPOST_PROT");
    }

    @Test
    void glanceHealthTimeoutTakesGlancesWholeSecondsAndDurations() throws IOException {
        assertThat(env(Map.of("GLANCE_HEALTH_TIMEOUT", "30")).glance().healthTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(env(Map.of("GLANCE_HEALTH_TIMEOUT", " 45 ")).glance().healthTimeout()).isEqualTo(Duration.ofSeconds(45));
        assertThat(env(Map.of("GLANCE_HEALTH_TIMEOUT", "30s")).glance().healthTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(env(Map.of("GLANCE_HEALTH_TIMEOUT", "PT2M")).glance().healthTimeout()).isEqualTo(Duration.ofMinutes(2));
        assertThat(env(Map.of()).glance().healthTimeout()).isEqualTo(Duration.ofSeconds(30));
        Path file = dir.resolve("watchpost.yml");
        Files.writeString(file, "glance:\n  health-timeout: 60\n");
        assertThat(ConfigLoader.load(Optional.of(file), Map.of(), false).glance().healthTimeout())
                .isEqualTo(Duration.ofMinutes(1));
        for (String bad : new String[] {"0", "-5", "30.5", "thirty", "86401"}) {
            assertThatThrownBy(() -> env(Map.of("GLANCE_HEALTH_TIMEOUT", bad))).as(bad)
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("glance.health-timeout").hasMessageContaining("whole seconds");
        }
    }

    @Test
    void bareNumbersMeanSecondsOnlyWhereTheOriginalSaysSo() {
        assertThatThrownBy(() -> env(Map.of("WATCHPOST_SHUTDOWN_GRACE", "30"))).isInstanceOf(ConfigException.class);
    }

    @Test
    void unknownGlanceAndArgusVariablesAreReportedLikeWatchpostOnes() {
        assertThat(ConfigLoader.unknownEnvironment(Map.of("GLANCE_BOTZ", "main:1", "GLANCE_BOTS", "main:1",
                "ARGUS_FLEET_INTERVALL", "15", "ARGUS_FLEET_INTERVAL", "15", "WATCHPOST_PROT", "1", "GLANCEFUL", "x")))
                .containsExactly("ARGUS_FLEET_INTERVALL", "GLANCE_BOTZ", "WATCHPOST_PROT");
        assertThat(ConfigLoader.unknownHint("GLANCE_BOTZ")).contains("typo");
    }

    @Test
    void glancesOwnServerVariablesAreReportedWithWhatToUseInstead() {
        assertThat(ConfigLoader.unknownEnvironment(Map.of("GLANCE_PORT", "3000", "GLANCE_HOST", "0.0.0.0",
                "GLANCE_HEALTH_TIMER_INTERVAL", "15")))
                .containsExactly("GLANCE_HEALTH_TIMER_INTERVAL", "GLANCE_HOST", "GLANCE_PORT");
        assertThat(ConfigLoader.unknownHint("GLANCE_PORT")).contains("WATCHPOST_PORT");
        assertThat(ConfigLoader.unknownHint("GLANCE_HOST")).contains("WATCHPOST_HOST");
        assertThat(ConfigLoader.unknownHint("GLANCE_HEALTH_TIMER_INTERVAL")).contains("not needed");
    }
}
