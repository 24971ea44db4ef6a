package dev.watchpost.cluster;

import dev.watchpost.config.ConfigLoader;
import dev.watchpost.config.WatchpostConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** Nodes compare the status page's look by the images' bytes, wherever each node keeps the files and whatever else its environment holds. */
class ConfigDigestTest {

    @TempDir
    Path dir;

    WatchpostConfig node(String name, String svg) throws IOException {
        Path home = Files.createDirectories(dir.resolve(name));
        Files.writeString(home.resolve("logo-" + name + ".svg"), svg);
        Path file = home.resolve("watchpost.yml");
        Files.writeString(file, "status-page: { name: Acme, logo: logo-" + name + ".svg }\n");
        return ConfigLoader.load(Optional.of(file), Map.of("WATCHPOST_DATA", home.toString()), false);
    }

    @Test
    void theSameLogoFromAnotherPathAgreesAndAnotherLogoDiffers() throws IOException {
        String svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 2 1\"/>";
        Map<String, String> a = ConfigDigest.of(node("a", svg));
        Map<String, String> b = ConfigDigest.of(node("b", svg));
        Map<String, String> c = ConfigDigest.of(node("c", svg.replace("2 1", "3 1")));
        assertThat(ConfigDigest.differing(a, b)).isEmpty();
        assertThat(ConfigDigest.differing(a, c)).containsExactly("statusPage");
    }
}
