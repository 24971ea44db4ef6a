package dev.watchpost.page;

import dev.watchpost.testing.Http;
import dev.watchpost.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A status page set up by its operator ({@code status-page:}), in headless Chromium against a real
 * server: its title, name, logo and favicon (served by Watchpost itself), footer links and accent
 * colour, readable in both themes; no Fleet tab while Argus is not used, one once a member
 * registers; private targets absent; times in the operator's zone, also those the live module
 * writes. Screenshots land in {@code target/screenshots/}.
 */
@Tag("browser")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class) // the second registers an Argus member for good
class PageSettingsBrowserTest {

    static final String ACCENT = "#7a1fa2";

    @TempDir
    static Path dir;
    static TestServer server;
    static Http http;
    static String base;
    static ChromeDriver browser;

    @BeforeAll
    static void start() throws IOException {
        image(dir.resolve("logo.png"), 120, 36, "ACME");
        image(dir.resolve("favicon.png"), 32, 32, "A");
        Path config = dir.resolve("watchpost.yml");
        Files.writeString(config, """
                status-page:
                  name: Acme Cloud
                  title: Acme Cloud status
                  logo: logo.png
                  favicon: favicon.png
                  accent: "%s"
                  time-zone: Asia/Tokyo
                  footer:
                    - { text: Contact support, url: "https://acme.example/support" }
                    - { text: Status API, url: /api/v1/snapshot }
                groups:
                  - id: web
                    name: Web
                targets:
                  - id: web/api
                    name: Public API
                    push: { every: 1h }
                  - id: web/internal
                    name: Internal billing job
                    public: false
                    push: { every: 1h }
                """.formatted(ACCENT));
        server = TestServer.start(dir, Clock.systemUTC(), Map.of("WATCHPOST_CONFIG", config.toString()));
        http = server.http();
        base = "http://127.0.0.1:" + server.app().port();
        http.postJson("/api/v1/heartbeat/web/api", "{\"state\":\"online\"}", TestServer.INGEST);
        http.postJson("/api/v1/heartbeat/web/internal", "{\"state\":\"down\"}", TestServer.INGEST);
        browser = Browser.start(dir.resolve("profile"), true, 1280, 900);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        server.close();
    }

    /** A small image with a coloured background and a word: what an operator's logo might be. */
    static void image(Path file, int width, int height, String word) throws IOException {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.decode(ACCENT));
        g.fillRoundRect(0, 0, width, height, 8, 8);
        g.setColor(Color.WHITE);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, height * 2 / 3));
        g.drawString(word, 6, height * 3 / 4);
        g.dispose();
        ImageIO.write(img, "png", file.toFile());
    }

    static void open(String path) {
        browser.get(base + path);
        await().atMost(Duration.ofSeconds(10)).until(() -> browser.executeScript("return window.__rendered") != null);
    }

    static String css(WebElement e, String property) {
        return (String) browser.executeScript("return getComputedStyle(arguments[0]).getPropertyValue(arguments[1])", e, property);
    }

    static String rgb(String hex) {
        int v = Integer.parseInt(hex.substring(1), 16);
        return "rgb(" + (v >> 16 & 0xff) + ", " + (v >> 8 & 0xff) + ", " + (v & 0xff) + ")";
    }

    @Test
    @Order(1)
    void theOperatorsTitleNameLogoFaviconLinksAndAccentAreShown() {
        open("/");
        assertThat(browser.getTitle()).isEqualTo("Acme Cloud status");
        WebElement brand = browser.findElement(By.cssSelector("header .brand"));
        assertThat(brand.getText()).isEqualTo("Acme Cloud");
        WebElement logo = brand.findElement(By.cssSelector("img.logo"));
        assertThat(logo.getDomAttribute("src")).matches("/assets/logo\\.png\\?v=[0-9a-f]{12}");
        assertThat(((Number) browser.executeScript("return arguments[0].naturalWidth", logo)).intValue())
                .as("the logo loaded from Watchpost itself").isEqualTo(120);

        WebElement icon = browser.findElement(By.cssSelector("link[rel='icon']"));
        assertThat(icon.getDomAttribute("href")).matches("/assets/favicon\\.png\\?v=[0-9a-f]{12}");
        assertThat(icon.getDomAttribute("type")).isEqualTo("image/png");
        HttpResponse<String> served = http.get(icon.getDomAttribute("href"));
        assertThat(served.statusCode()).isEqualTo(200);
        assertThat(served.headers().firstValue("Content-Type")).hasValue("image/png");
        assertThat(served.headers().firstValue("Cache-Control")).hasValue("public, max-age=31536000, immutable");
        assertThat(http.get("/favicon.ico").headers().firstValue("Content-Type")).hasValue("image/png");

        List<WebElement> links = browser.findElements(By.cssSelector("footer .links a"));
        assertThat(links).extracting(WebElement::getText).containsExactly("Contact support", "Status API");
        assertThat(links).extracting(a -> a.getDomAttribute("href"))
                .containsExactly("https://acme.example/support", "/api/v1/snapshot");

        // The accent: the header's edge and links in the light theme, as given (it reads well on white).
        WebElement header = browser.findElement(By.cssSelector("header.top"));
        assertThat(css(header, "border-top-color")).isEqualTo(rgb(ACCENT));
        assertThat(css(links.get(0), "color")).isEqualTo(rgb(ACCENT));
        assertThat(browser.findElement(By.cssSelector("main")).getText()).contains("Public API")
                .doesNotContain("Internal billing job");
        assertThat(browser.findElements(By.cssSelector("nav[aria-label='Views']"))).as("no Fleet tab without Argus").isEmpty();
        assertThat(browser.findElements(By.cssSelector("a[href='/fleet']"))).isEmpty();
        Browser.fullPage(browser, "settings-light");

        // Dark theme: the same accent, lightened until it reads on the dark background.
        browser.executeCdpCommand("Emulation.setEmulatedMedia",
                Map.of("features", List.of(Map.of("name", "prefers-color-scheme", "value", "dark"))));
        try {
            String dark = css(header, "border-top-color");
            assertThat(dark).isNotEqualTo(rgb(ACCENT));
            int[] c = java.util.Arrays.stream(dark.replaceAll("[^0-9,]", "").split(",")).mapToInt(Integer::parseInt).toArray();
            assertThat(Theme.contrast(c[0] << 16 | c[1] << 8 | c[2], Theme.DARK_BACKGROUND)).isGreaterThanOrEqualTo(4.5);
            assertThat(css(links.get(0), "color")).isEqualTo(dark);
            Browser.fullPage(browser, "settings-dark");
        } finally {
            browser.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("features", List.of()));
        }
    }

    @Test
    @Order(2)
    void theFleetTabAppearsOnceArgusIsUsed() {
        open("/");
        assertThat(browser.findElements(By.cssSelector("nav[aria-label='Views']"))).isEmpty();
        // Typed by hand, /fleet still answers, in words a visitor understands.
        browser.get(base + "/fleet");
        assertThat(browser.findElement(By.cssSelector("main")).getText())
                .contains("Nothing to show yet").doesNotContain("POST").doesNotContain("register");

        HttpResponse<String> reg = http.postJson("/fleet/register", "{\"identity\":\"acme-bot-1\",\"fleet\":\"eu\"}",
                TestServer.INGEST);
        assertThat(reg.statusCode()).as(reg.body()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(5)).until(() -> http.get("/").body().contains("href=\"/fleet\""));
        open("/");
        WebElement tab = browser.findElement(By.cssSelector("nav[aria-label='Views'] a[href='/fleet']"));
        assertThat(tab.getText()).isEqualTo("Fleet");
        Browser.screenshot(browser, "settings-fleet-tab");
    }

    @Test
    @Order(3)
    void timesTheLiveModuleWritesAreInTheOperatorsZoneToo() {
        open("/");
        WebElement asOf = browser.findElement(By.cssSelector("#banner time"));
        String before = asOf.getDomAttribute("datetime");
        assertThat(asOf.getText()).isEqualTo(tokyo(before));

        http.postJson("/api/v1/heartbeat/web/api", "{\"state\":\"degraded\"}", TestServer.INGEST);
        await().atMost(Duration.ofSeconds(10)).until(() -> !before.equals(asOf.getDomAttribute("datetime")));
        String after = asOf.getDomAttribute("datetime");
        assertThat(after).endsWith("Z");
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(asOf.getText()).isEqualTo(tokyo(after)));
    }

    /** As the server writes a time in Tokyo: {@code 2026-06-01 21:00:00 JST}. */
    static String tokyo(String iso) {
        return java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'JST'", java.util.Locale.ROOT)
                .withZone(java.time.ZoneId.of("Asia/Tokyo")).format(java.time.Instant.parse(iso));
    }
}
