package dev.watchpost.agent;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Reads this machine for real (OSHI, JNA and the JDK's FileStore). */
class SystemStatsTest {

    @TempDir
    Path dir;

    @Test
    void readsPercentagesOfThisHost() throws Exception {
        SystemStats stats = new SystemStats(dir);
        Reading first = stats.read();
        Reading second = stats.read();
        for (Reading r : new Reading[] {first, second}) {
            assertThat(r.cpu()).isBetween(0.0, 100.0);
            assertThat(r.memory()).as("a running JVM uses memory").isGreaterThan(0.0).isLessThanOrEqualTo(100.0);
            assertThat(r.disk()).isBetween(0.0, 100.0);
        }
        assertThat(stats.diskName()).startsWith(dir + " (");
    }

    @Test
    void aDiskPathThatDoesNotExistIsRefused() {
        Path missing = dir.resolve("missing");
        assertThatThrownBy(() -> new SystemStats(missing))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("disk path '" + missing + "' does not exist");
    }
}
