package dev.watchpost.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The {@code status-page:} section read from a real file: defaults, every value as given, images read
 * from files beside the config, and one line naming the key for each mistake.
 */
class StatusPageSettingsTest {

    /** The smallest PNG: a 1×1 pixel. */
    static final byte[] PNG = java.util.Base64.getDecoder().decode(
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==");

    @TempDir
    Path dir;

    WatchpostConfig load(String yaml) throws IOException {
        Path file = dir.resolve("watchpost.yml");
        Files.writeString(file, yaml);
        return ConfigLoader.load(Optional.of(file), Map.of("WATCHPOST_DATA", dir.toString()), false);
    }

    String error(String yaml) {
        try {
            load(yaml);
        } catch (ConfigException e) {
            assertThat(e.getMessage()).doesNotContain("\n");
            return e.getMessage();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        throw new AssertionError("loaded without an error:\n" + yaml);
    }

    @Test
    void withoutTheSectionThePageLooksAsBefore() throws IOException {
        WatchpostConfig.StatusPage p = load("server: { port: 0 }\n").statusPage();
        assertThat(p).isEqualTo(WatchpostConfig.StatusPage.defaults());
        assertThat(p.name()).isEqualTo("Watchpost");
        assertThat(p.title()).isEqualTo("Status");
        assertThat(p.searchEngines()).isTrue();
    }

    @Test
    void everySettingIsReadAndImagesComeFromFilesBesideTheConfig() throws IOException {
        Files.createDirectories(dir.resolve("brand"));
        Files.write(dir.resolve("brand/logo.png"), PNG);
        Files.writeString(dir.resolve("icon.svg"), "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 1 1\"/>");
        WatchpostConfig.StatusPage p = load("""
                status-page:
                  name: Acme
                  logo: brand/logo.png
                  favicon: icon.svg
                  accent: "#0B5FFF"
                  footer:
                    - { text: Contact, url: "https://acme.example/contact" }
                    - { text: Mail us, url: "mailto:ops@acme.example" }
                    - { text: API, url: /api/v1/snapshot }
                  banner: ["web/**", bots/main]
                  search-engines: false
                """).statusPage();
        assertThat(p.name()).isEqualTo("Acme");
        assertThat(p.title()).as("from the name when not given").isEqualTo("Acme status");
        assertThat(p.logo().orElseThrow().contentType()).isEqualTo("image/png");
        assertThat(p.logo().orElseThrow().bytes()).isEqualTo(PNG);
        assertThat(p.favicon().orElseThrow().contentType()).isEqualTo("image/svg+xml");
        assertThat(p.accent()).hasValue("#0b5fff");
        assertThat(p.footer()).extracting(WatchpostConfig.StatusPage.Link::url)
                .containsExactly("https://acme.example/contact", "mailto:ops@acme.example", "/api/v1/snapshot");
        assertThat(p.banner()).containsExactly("web/**", "bots/main");
        assertThat(p.searchEngines()).isFalse();
        assertThat(load("status-page: { name: Acme, title: Acme service health }\n").statusPage().title())
                .isEqualTo("Acme service health");
    }

    @Test
    void eachMistakeIsOneLineNamingTheKey() throws IOException {
        assertThat(error("status-page: { accent: blue }\n"))
                .isEqualTo("invalid configuration: status-page.accent = \"blue\" (from watchpost.yml): "
                        + "expected a colour written #rrggbb, e.g. #0b5fff");
        assertThat(error("status-page: { accent: \"#fff\" }\n")).startsWith("invalid configuration: status-page.accent = \"#fff\"");
        assertThat(error("status-page: { logo: missing.png }\n"))
                .startsWith("invalid configuration: status-page.logo = \"missing.png\" (from watchpost.yml): expected a PNG, "
                        + "JPEG, GIF, WebP or SVG file that exists and can be read (there is none at ")
                .contains(dir.resolve("missing.png").toString());
        assertThat(error("status-page: { logo: \"https://cdn.example/logo.png\" }\n"))
                .contains("status-page.logo = \"https://cdn.example/logo.png\"", "not a URL");
        Files.writeString(dir.resolve("notes.txt"), "not an image");
        assertThat(error("status-page: { favicon: notes.txt }\n"))
                .contains("status-page.favicon = \"notes.txt\"", "an ICO, PNG, SVG or GIF file (its content is no image Watchpost knows)");
        Files.write(dir.resolve("big.png"), new byte[2 * 1024 * 1024]);
        assertThat(error("status-page: { logo: big.png }\n")).contains("status-page.logo", "at most 1024 KiB");
        assertThat(error("""
                status-page:
                  footer:
                    - { text: Fine, url: "https://acme.example" }
                    - { text: Bad, url: "javascript:alert(1)" }
                """)).isEqualTo("invalid configuration: status-page.footer[1].url = \"javascript:alert(1)\" (from watchpost.yml): "
                + "expected an http:// or https:// URL, a mailto: address or a path on this server such as /docs");
        assertThat(error("status-page: { footer: [ { text: Home, url: \"//evil.example\" } ] }\n"))
                .contains("status-page.footer[0].url = \"//evil.example\"");
        assertThat(error("status-page: { footer: [ { url: \"https://acme.example\" } ] }\n"))
                .contains("status-page.footer[0].text");
        assertThat(error("status-page: { footer: [ { text: x, url: \"https://a.example\", colour: red } ] }\n"))
                .contains("status-page.footer[0].colour");
        assertThat(error("status-page: { search-engines: maybe }\n")).contains("status-page.search-engines = \"maybe\"");
        assertThat(error("status-page: { colour: red }\n"))
                .startsWith("invalid configuration: unknown key 'status-page.colour' in watchpost.yml (known: status-page.accent,");
        assertThat(error("status-page: { name: \"" + "x".repeat(81) + "\" }\n")).contains("status-page.name", "at most 80 characters");
        assertThat(error("status-page: [ name ]\n")).contains("section 'status-page' in watchpost.yml must be a mapping");
    }

    @Test
    void theTimeZoneIsAZoneIdAndABadOneStopsLoading() throws IOException {
        assertThat(load("server: { port: 0 }\n").statusPage().timeZone()).isEqualTo(ZoneId.of("UTC"));
        assertThat(load("status-page: { time-zone: Europe/Berlin }\n").statusPage().timeZone())
                .isEqualTo(ZoneId.of("Europe/Berlin"));
        assertThat(load("status-page: { time-zone: \"+05:30\" }\n").statusPage().timeZone()).isEqualTo(ZoneId.of("+05:30"));

        assertThat(error("status-page: { time-zone: Mars/Olympus }\n"))
                .isEqualTo("invalid configuration: status-page.time-zone = \"Mars/Olympus\" (from watchpost.yml): "
                        + "expected an IANA time zone id such as Europe/Berlin, America/New_York or UTC");
        assertThat(error("status-page: { time-zone: europe/berlin }\n")).as("ids are case-sensitive")
                .startsWith("invalid configuration: status-page.time-zone = \"europe/berlin\"")
                .endsWith("(did you mean Europe/Berlin?)");
        assertThat(error("status-page: { time-zone: PST }\n")).endsWith("(did you mean America/Los_Angeles?)");
        assertThat(error("status-page: { time-zone: [UTC] }\n")).contains("status-page.time-zone", "a single value");
        assertThat(error("status-page: { zone: UTC }\n")).contains("unknown key 'status-page.zone'", "status-page.time-zone");
    }

    @Test
    void bannerEntriesMustBeTargetIdsGroupIdsOrGlobs() throws IOException {
        WatchpostConfig.StatusPage p = load("status-page: { banner: [web, \"web//api\"] }\n").statusPage();
        assertThatThrownBy(() -> dev.watchpost.page.PageRoutes.check(p)).isInstanceOf(ConfigException.class)
                .hasMessage("invalid configuration: status-page.banner[1] = \"web//api\": expected a target id, group id or "
                        + "glob such as web/** ('web//api' is not a target id, group id or glob)");
        dev.watchpost.page.PageRoutes.check(load("status-page: { banner: [\"web/**\", bots/main, \"*/db-*\"] }\n").statusPage());
    }
}
