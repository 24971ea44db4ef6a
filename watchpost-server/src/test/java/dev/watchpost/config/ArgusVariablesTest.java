package dev.watchpost.config;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Argus Fleet's own environment variables, with the meaning Argus gives them. */
class ArgusVariablesTest {

    private static final String SHARED = "argus-shared-token-0000001";
    private static final String INGEST = "argus-ingest-token-0000001";
    private static final String VIEWER = "argus-viewer-token-0000001";

    private static WatchpostConfig load(Map<String, String> env) {
        return ConfigLoader.load(Optional.empty(), env, false);
    }

    @Test
    void oneSharedTokenAdmitsMembersAndViewers() {
        WatchpostConfig c = load(Map.of("ARGUS_FLEET_TOKEN", SHARED));

        assertThat(c.auth().ingestTokens()).containsExactly(SHARED);
        assertThat(c.auth().readTokens()).containsExactly(SHARED);
        assertThat(c.auth().adminTokens()).isEmpty();
    }

    @Test
    void theSplitTokensReplaceTheSharedOneForTheirSideOnly() {
        WatchpostConfig c = load(Map.of("ARGUS_FLEET_TOKEN", SHARED, "ARGUS_FLEET_INGEST_TOKEN", INGEST));
        assertThat(c.auth().ingestTokens()).containsExactly(INGEST);
        assertThat(c.auth().readTokens()).containsExactly(SHARED);

        c = load(Map.of("ARGUS_FLEET_TOKEN", SHARED, "ARGUS_FLEET_VIEWER_TOKEN", VIEWER + "," + SHARED + "x"));
        assertThat(c.auth().ingestTokens()).containsExactly(SHARED);
        assertThat(c.auth().readTokens()).containsExactly(VIEWER, SHARED + "x");
    }

    @Test
    void aShortSharedTokenIsRefusedWithoutShowingIt() {
        assertThatThrownBy(() -> load(Map.of("ARGUS_FLEET_TOKEN", "short")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("ARGUS_FLEET_TOKEN")
                .hasMessageNotContaining("short");
    }

    @Test
    void heartbeatIntervalIsWholeSecondsAsArgusReadsIt() {
        assertThat(load(Map.of("ARGUS_FLEET_HEARTBEAT_INTERVAL", "1")).argus().interval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(load(Map.of("ARGUS_FLEET_HEARTBEAT_INTERVAL", "20")).argus().interval()).isEqualTo(Duration.ofSeconds(20));
        assertThat(load(Map.of("ARGUS_FLEET_HEARTBEAT_INTERVAL", "30s")).argus().interval()).isEqualTo(Duration.ofSeconds(30));
        assertThatThrownBy(() -> load(Map.of("ARGUS_FLEET_HEARTBEAT_INTERVAL", "soon")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("ARGUS_FLEET_HEARTBEAT_INTERVAL");
        // Watchpost's own name, when both are set, is the more specific one.
        assertThat(load(Map.of("ARGUS_FLEET_HEARTBEAT_INTERVAL", "1", "ARGUS_FLEET_INTERVAL", "45s")).argus().interval())
                .isEqualTo(Duration.ofSeconds(45));
    }

    @Test
    void ttlFactorAndNamespaceAreArgusOwn() {
        WatchpostConfig c = load(Map.of("ARGUS_FLEET_TTL_FACTOR", "5", "ARGUS_NAMESPACE", "mybot"));

        assertThat(c.argus().ttlFactor()).isEqualTo(5);
        assertThat(c.argus().namespace()).isEqualTo("mybot");
    }

    @Test
    void argusNamesAreKnownVariables() {
        assertThat(ConfigLoader.knownVariables()).contains("ARGUS_FLEET_TOKEN", "ARGUS_FLEET_INGEST_TOKEN",
                "ARGUS_FLEET_VIEWER_TOKEN", "ARGUS_FLEET_HEARTBEAT_INTERVAL", "ARGUS_FLEET_TTL_FACTOR", "ARGUS_NAMESPACE",
                "ARGUS_FLEET_PROMETHEUS_URL");
    }
}
