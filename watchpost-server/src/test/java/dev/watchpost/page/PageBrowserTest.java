package dev.watchpost.page;

import dev.watchpost.testing.Http;
import dev.watchpost.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

import java.math.BigInteger;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The status page in headless Chromium against a real server (SQLite file, heartbeats over HTTP):
 * what a visitor sees, live changes without reload, guild search, the fleet drill-down, escaping,
 * and the page with JavaScript off. Screenshots land in {@code target/screenshots/}.
 */
@Tag("browser")
class PageBrowserTest {

    static final int SHARDS = 360;

    @TempDir
    static Path dir;
    static TestServer server;
    static Http http;
    static String base;
    static ChromeDriver browser;
    /** Short, so a test can hold the page through several quiet keep-alives. */
    static final int KEEPALIVE_MS = 400;

    @BeforeAll
    static void start() {
        server = TestServer.start(dir, Clock.systemUTC(),
                Map.of("WATCHPOST_CONFIG", PageFixtures.config(dir, SHARDS).toString(), "GLANCE_BOTS", "main:" + SHARDS,
                        "WATCHPOST_STREAM_KEEPALIVE", KEEPALIVE_MS + "ms"));
        http = server.http();
        base = "http://127.0.0.1:" + server.app().port();
        post("/api/v1/heartbeat/web/status", "{\"state\":\"maintenance\",\"message\":" + PageRoutesTest.quote(PageFixtures.IMG) + "}");
        post("/api/v1/heartbeat/workers/mailer", "{\"state\":\"online\"}");
        for (int i = 0; i < SHARDS; i += 3) {
            post("/api/v1/heartbeat/bots/main/" + i, "{\"state\":\"online\"}");
        }
        post("/api/v1/heartbeat/bots/main/5", "{\"state\":\"resuming\"}");
        browser = Browser.start(dir.resolve("profile"), true, 1280, 1000);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        server.close();
    }

    @BeforeEach
    void fresh() {
        browser.manage().window().setSize(new org.openqa.selenium.Dimension(1280, 1000));
    }

    static void post(String path, String body) {
        HttpResponse<String> r = http.postJson(path, body, TestServer.INGEST);
        assertThat(r.statusCode()).as(r.body()).isIn(200, 204);
    }

    /** Opens {@code path} and waits until the page module has set up and the live feed is connected. */
    static void open(String path) {
        browser.get(base + path);
        await().atMost(Duration.ofSeconds(10)).until(() -> browser.executeScript("return window.__rendered") != null);
    }

    static void awaitLive() {
        await().atMost(Duration.ofSeconds(10)).until(() ->
                "live".equals(browser.findElement(By.id("conn")).getDomAttribute("data-conn")));
    }

    static WebElement tile(int shard) {
        return browser.findElement(By.cssSelector("ol.grid[data-group='bots/main'] li[data-shard='" + shard + "']"));
    }

    @Test
    void rendersGroupsTargetsAndTheShardGrid() {
        open("/");
        awaitLive();
        assertThat(browser.findElements(By.cssSelector("main h2")).stream().map(WebElement::getText).toList())
                .contains("Discord bots", "Web", "Other services", "Legend");
        assertThat(browser.findElement(By.cssSelector("ol.grid[data-group='bots/main']"))
                .findElements(By.tagName("li"))).hasSize(SHARDS);
        WebElement resuming = tile(5);
        assertThat(resuming.getDomAttribute("data-state")).isEqualTo("resuming");
        assertThat(resuming.getDomAttribute("title")).isEqualTo("Shard 5: Resuming");
        // Not by colour alone: the tile carries a glyph; a row says its state in words.
        assertThat((String) browser.executeScript(
                "return getComputedStyle(arguments[0], '::before').content", resuming)).contains("↻");
        assertThat(browser.findElement(By.cssSelector("li.target[data-target='workers/mailer'] .state")).getText())
                .isEqualTo("Online");
        Browser.fullPage(browser, "status");

        // Dark theme when the system asks for it.
        String light = (String) browser.executeScript("return getComputedStyle(document.body).backgroundColor");
        browser.executeCdpCommand("Emulation.setEmulatedMedia",
                Map.of("features", List.of(Map.of("name", "prefers-color-scheme", "value", "dark"))));
        try {
            String dark = (String) browser.executeScript("return getComputedStyle(document.body).backgroundColor");
            assertThat(dark).isNotEqualTo(light).isEqualTo("rgb(13, 17, 23)");
            Browser.fullPage(browser, "status-dark");
        } finally {
            browser.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("features", List.of()));
        }
    }

    @Test
    void theLiveFeedStaysConnectedThroughQuietKeepAlivesAndStillUpdates() throws Exception {
        open("/");
        awaitLive();
        browser.executeScript("""
                window.__connChanges = [];
                new MutationObserver(() => window.__connChanges.push(document.getElementById('conn').dataset.conn))
                    .observe(document.getElementById('conn'), {attributes: true});""");
        Thread.sleep(KEEPALIVE_MS * 5L); // nothing changes: the feed sends only keep-alives
        assertThat(browser.executeScript("return window.__connChanges")).as("connection state changes while quiet")
                .isEqualTo(List.of());
        post("/api/v1/heartbeat/bots/main/41", "{\"state\":\"starting\"}");
        await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(25))
                .until(() -> "starting".equals(tile(41).getDomAttribute("data-state")));
        post("/api/v1/heartbeat/bots/main/41", "{\"state\":\"online\"}");
    }

    @Test
    void aHeartbeatChangesATileWithinOneSecondWithoutReload() {
        open("/");
        awaitLive();
        browser.executeScript("window.__sameDocument = true");
        assertThat(tile(42).getDomAttribute("data-state")).isEqualTo("online");

        post("/api/v1/heartbeat/bots/main/42", "{\"state\":\"offline\"}");
        await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(25))
                .until(() -> "offline".equals(tile(42).getDomAttribute("data-state")));

        assertThat(tile(42).getDomAttribute("title")).isEqualTo("Shard 42: Offline");
        assertThat(browser.executeScript("return window.__sameDocument")).isEqualTo(true);
        // The group summary follows from the server's figures.
        await().atMost(Duration.ofSeconds(3)).until(() -> browser.findElement(
                By.cssSelector("[data-summary='bots/main']")).getText().contains("1 offline"));

        post("/api/v1/heartbeat/workers/mailer", "{\"state\":\"down\"}");
        await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(25)).until(() -> browser.findElement(
                By.cssSelector("li.target[data-target='workers/mailer'] .state")).getText().equals("Down"));
        // A standalone service down is a major outage (see Banner); the banner follows without reload.
        await().atMost(Duration.ofSeconds(3)).until(() ->
                browser.findElement(By.id("banner")).getText().contains("Major outage"));
        post("/api/v1/heartbeat/workers/mailer", "{\"state\":\"online\"}");
        post("/api/v1/heartbeat/bots/main/42", "{\"state\":\"online\"}");
    }

    @Test
    void guildSearchHighlightsTheShardOfA19DigitId() {
        open("/");
        String guild = "1234567890123456789";
        int expected = new BigInteger(guild).shiftRight(22).mod(BigInteger.valueOf(SHARDS)).intValueExact();
        WebElement input = browser.findElement(By.id("guild"));
        input.clear();
        input.sendKeys(guild, Keys.ENTER);
        await().atMost(Duration.ofSeconds(2)).until(() -> !browser.findElements(By.cssSelector("li.found")).isEmpty());
        List<WebElement> found = browser.findElements(By.cssSelector("ol.grid li.found"));
        assertThat(found).hasSize(1);
        assertThat(found.get(0).getDomAttribute("data-shard")).isEqualTo(Integer.toString(expected));
        assertThat(found.get(0).getDomAttribute("aria-current")).isEqualTo("true");
        assertThat(browser.findElement(By.id("guild-msg")).getText()).startsWith("Guild " + guild + " is on Main bot: shard " + expected + " (");
        Browser.screenshot(browser, "guild-search");

        for (Map.Entry<String, String> bad : Map.of(
                "12ab", "A guild id has digits only (0-9).",
                "18446744073709551616", "That is larger than any Discord id (at most 18446744073709551615).",
                "", "Enter a guild id: the number Discord shows for a server (up to 20 digits).").entrySet()) {
            input.clear();
            input.sendKeys(bad.getKey(), Keys.ENTER);
            await().atMost(Duration.ofSeconds(2)).until(() ->
                    browser.findElement(By.id("guild-msg")).getText().equals(bad.getValue()));
            assertThat(input.getDomAttribute("aria-invalid")).isEqualTo("true");
            assertThat(browser.findElements(By.cssSelector("li.found"))).isEmpty();
        }
        // The message is announced: a live region next to the field.
        assertThat(browser.findElement(By.id("guild-msg")).getDomAttribute("aria-live")).isEqualTo("polite");
        assertThat(input.getDomAttribute("aria-describedby")).isEqualTo("guild-msg");
    }

    @Test
    void theFleetViewDrillsDownFromGlobalToShards() {
        HttpResponse<String> reg = http.postJson("/fleet/register", "{\"identity\":\"asia-bot-1\",\"fleet\":\"asia\"}", TestServer.INGEST);
        assertThat(reg.statusCode()).as(reg.body()).isEqualTo(200);
        int number = Http.json(reg).get("number").intValue();
        post("/fleet/heartbeat", "{\"identity\":\"asia-bot-1\",\"snapshot\":" + PageFixtures.argusSnapshot(0.04, 0.05, 10, 0) + "}");
        post("/fleet/heartbeat", "{\"identity\":\"asia-bot-1\",\"snapshot\":" + PageFixtures.argusSnapshot(0.05, 2.5, 110, 9) + "}");

        browser.get(base + "/fleet");
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Fleet");
        Browser.fullPage(browser, "fleet");
        browser.findElement(By.linkText("asia")).click();
        await().atMost(Duration.ofSeconds(5)).until(() -> browser.getCurrentUrl().endsWith("/fleet/asia"));
        WebElement row = browser.findElement(By.xpath("//tr[th/a[text()='#" + number + "']]"));
        assertThat(row.getText()).contains("asia-bot-1", "up");
        // Error rate 9 / 100 commands = 9 %: bad by the contract's thresholds (1 % / 5 %), said in words.
        assertThat(row.findElement(By.cssSelector("td[data-metric='error_rate']")).getText()).isEqualTo("8.18% BAD"); // 9 errors in 110 commands since start, as Argus counts
        row.findElement(By.linkText("#" + number)).click();
        await().atMost(Duration.ofSeconds(5)).until(() -> browser.getCurrentUrl().endsWith("/fleet/asia/" + number));
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Cluster #" + number + " asia-bot-1");
        List<WebElement> shards = browser.findElements(By.cssSelector("section[aria-labelledby='shards-title'] tbody tr"));
        assertThat(shards).hasSize(2);
        assertThat(shards.get(1).getText()).contains("1", "up", "2.50 s", "BAD");
        assertThat(browser.findElements(By.cssSelector(".sparks svg"))).isNotEmpty();
        Browser.fullPage(browser, "fleet-cluster");
        browser.findElement(By.linkText("Global")).click();
        await().atMost(Duration.ofSeconds(5)).until(() -> browser.getCurrentUrl().endsWith("/fleet"));
    }

    @Test
    void payloadsInNamesAndMessagesRenderAsText() {
        open("/");
        assertThatThrownBy(() -> browser.switchTo().alert()).isInstanceOf(NoAlertPresentException.class);
        WebElement row = browser.findElement(By.cssSelector("li.target[data-target='web/status']"));
        assertThat(row.findElement(By.cssSelector(".name")).getText()).isEqualTo(PageFixtures.SCRIPT);
        assertThat(row.findElement(By.cssSelector(".msg")).getText()).isEqualTo(PageFixtures.IMG);
        assertThat(browser.findElement(By.cssSelector(".notice-text")).getText()).isEqualTo(PageFixtures.IMG);
        assertThat(browser.findElements(By.cssSelector("main img"))).isEmpty();
        assertThat(browser.findElements(By.xpath("//main//script"))).isEmpty();
        // The badge of that target: an image of text, still no markup of its own.
        browser.get(base + "/badge/web/status/status.svg");
        assertThatThrownBy(() -> browser.switchTo().alert()).isInstanceOf(NoAlertPresentException.class);
    }

    @Test
    void readableOnAPhone() {
        browser.manage().window().setSize(new org.openqa.selenium.Dimension(375, 812));
        open("/");
        // Chrome's window includes no chrome in headless mode: the viewport is the window.
        Number viewport = (Number) browser.executeScript("return window.innerWidth");
        Number content = (Number) browser.executeScript("return document.documentElement.scrollWidth");
        assertThat(content.intValue()).as("no sideways scrolling at %s px", viewport).isLessThanOrEqualTo(viewport.intValue());
        Browser.fullPage(browser, "status-375px");
        browser.get(base + "/fleet");
        assertThat(((Number) browser.executeScript("return document.documentElement.scrollWidth")).intValue())
                .isLessThanOrEqualTo(viewport.intValue());
    }

    @Test
    void theMotionSwitchIsRememberedAndReducedMotionIsRespected() {
        open("/");
        WebElement button = browser.findElement(By.id("motion"));
        assertThat(button.isDisplayed()).isTrue();
        String before = button.getDomAttribute("aria-pressed");
        button.click();
        String after = button.getDomAttribute("aria-pressed");
        assertThat(after).isNotEqualTo(before);
        open("/");
        assertThat(browser.findElement(By.id("motion")).getDomAttribute("aria-pressed")).isEqualTo(after);
        assertThat(browser.findElement(By.tagName("html")).getDomAttribute("data-motion"))
                .isEqualTo("true".equals(after) ? "on" : "off");

        // No choice remembered and the system asks for less motion: off.
        browser.executeScript("localStorage.clear()");
        browser.executeCdpCommand("Emulation.setEmulatedMedia",
                Map.of("features", List.of(Map.of("name", "prefers-reduced-motion", "value", "reduce"))));
        try {
            open("/");
            assertThat(browser.findElement(By.tagName("html")).getDomAttribute("data-motion")).isEqualTo("off");
        } finally {
            browser.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("features", List.of()));
            browser.executeScript("localStorage.clear()");
        }
    }

    @Test
    void withJavaScriptOffThePageStillShowsGroupsAndStates() {
        ChromeDriver plain = Browser.start(dir.resolve("profile-nojs"), false, 1280, 1000);
        try {
            plain.get(base + "/");
            // The page's module never ran (WebDriver's own scripts still can: they read what the page set up).
            assertThat(plain.executeScript("return window.__rendered === undefined && document.documentElement.dataset.motion === undefined"))
                    .isEqualTo(true);
            assertThat(plain.findElements(By.cssSelector("main h2")).stream().map(WebElement::getText).toList())
                    .contains("Discord bots", "Web", "Other services");
            assertThat(plain.findElement(By.cssSelector("ol.grid li[data-shard='5']")).getDomAttribute("data-state"))
                    .isEqualTo("resuming");
            assertThat(plain.findElement(By.cssSelector("li.target[data-target='web/status'] .state")).getText())
                    .isEqualTo("Maintenance");
            assertThat(plain.findElement(By.cssSelector("#conn .conn-text")).getText()).isEqualTo("Snapshot");
            assertThat(plain.findElement(By.id("motion")).isDisplayed()).isFalse();
            // Guild search works through the server.
            String guild = "1234567890123456789";
            int expected = new BigInteger(guild).shiftRight(22).mod(BigInteger.valueOf(SHARDS)).intValueExact();
            plain.findElement(By.id("guild")).sendKeys(guild, Keys.ENTER);
            await().atMost(Duration.ofSeconds(5)).until(() -> plain.getCurrentUrl().contains("guild=" + guild));
            assertThat(plain.findElement(By.cssSelector("li.found")).getDomAttribute("data-shard"))
                    .isEqualTo(Integer.toString(expected));
            Browser.fullPage(plain, "status-no-javascript");
        } finally {
            plain.quit();
        }
    }

    @Test
    void healthPingsPulseTheirTileWhileAnimationsAreOn() {
        open("/");
        browser.executeScript("localStorage.setItem('watchpost.motion', 'on')");
        open("/");
        assertThat(browser.findElement(By.tagName("html")).getDomAttribute("data-motion")).isEqualTo("on");
        // Record every tile that starts a pulse (the class is removed again when the animation ends).
        browser.executeScript("""
                window.__pulsed = new Set();
                new MutationObserver((ms) => ms.forEach((m) => {
                  if (m.target.classList.contains('pulse')) window.__pulsed.add(m.target.dataset.shard);
                })).observe(document.querySelector('ol.grid'), {subtree: true, attributeFilter: ['class']});
                """);
        // Shard 3 is online already: Glance's health ping changes nothing, so only the feed's ping can pulse it.
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(300)).until(() -> {
            HttpResponse<String> ping = http.send(http.request("/api/health/main/3")
                    .POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build());
            assertThat(ping.statusCode()).as(ping.body()).isEqualTo(204);
            return (Boolean) browser.executeScript("return window.__pulsed.has('3')");
        });
        assertThat(tile(3).getDomAttribute("data-state")).isEqualTo("online");
        assertThat((Boolean) browser.executeScript("return window.__pulsed.has('6')")).isFalse();
        browser.executeScript("localStorage.clear()");
    }
}
