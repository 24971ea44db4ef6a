package dev.watchpost.app;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A config error as the operator sees it from the real process: stderr and the exit code. */
@Tag("integration")
class ConfigErrorProcessTest {

    @TempDir
    Path dir;

    @Test
    void aBadTargetStopsTheServerWithOneLineAndExit2() throws Exception {
        Path file = dir.resolve("watchpost.yml");
        Files.writeString(file, """
                targets:
                  - id: web/home
                    push: { every: 1m }
                  - id: web/shop
                    http: { url: "http://127.0.0.1:9/", every: soon }
                """);
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder pb = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                Main.class.getName(),
                "--config", file.toString());
        pb.environment().put("WATCHPOST_PORT", "0");
        pb.environment().put("WATCHPOST_DATA", dir.toString());
        Path stdout = dir.resolve("stdout.log");
        Path stderr = dir.resolve("stderr.log");
        pb.redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
        Process p = pb.start();
        try {
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the process ends").isTrue();
            String err = Files.readString(stderr);
            assertThat(p.exitValue()).as(err).isEqualTo(2);
            assertThat(err).doesNotContain("Exception").doesNotContain("\tat ").doesNotContain("stop_failed");
            assertThat(err.lines().filter(l -> !l.contains(" INFO ")).toList()).as(err)
                    .containsExactly("watchpost: invalid configuration: targets[1] (web/shop).http.every: 'soon' is not a "
                            + "duration such as 500ms, 90s, 15m, 24h, 1d or ISO-8601 (PT30S)");
        } finally {
            p.destroyForcibly();
        }
    }
}
