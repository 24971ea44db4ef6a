package dev.watchpost.page;

import com.sun.net.httpserver.HttpServer;
import dev.watchpost.history.History;
import dev.watchpost.live.State;
import dev.watchpost.live.TargetKind;
import dev.watchpost.live.TargetRef;
import dev.watchpost.live.Transition;
import dev.watchpost.testing.MutableClock;
import dev.watchpost.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A target's page in headless Chromium against a real server: the response-time chart drawn, its
 * text alternative there, light and dark themes, the range links with and without JavaScript, and
 * the way there from the status page (a row's name, a shard's tile). Screenshots land in
 * {@code target/screenshots/}.
 */
@Tag("browser")
class TargetPageBrowserTest {

    @TempDir
    static Path dir;
    static TestServer server;
    static HttpServer service;
    static String base;
    static ChromeDriver browser;
    static final java.util.concurrent.atomic.AtomicInteger served = new java.util.concurrent.atomic.AtomicInteger();

    @BeforeAll
    static void start() throws IOException {
        service = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        service.createContext("/health", ex -> {
            served.incrementAndGet();
            byte[] ok = "ok".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, ok.length);
            ex.getResponseBody().write(ok);
            ex.close();
        });
        service.start();
        Path config = dir.resolve("watchpost.yml");
        Files.writeString(config, """
                groups:
                  - id: bots
                    name: Discord bots
                    groups:
                      - { id: main, name: Main bot, shards: 6, lease: 1h }
                  - id: web
                    name: Web
                targets:
                  - id: web/api
                    name: Public API
                    description: The public REST API.
                    http: { url: "http://127.0.0.1:%d/health", every: 1h }
                """.formatted(service.getAddress().getPort()));
        MutableClock clock = MutableClock.at("2026-11-23T12:24:00Z");
        server = TestServer.start(dir, clock, Map.of("WATCHPOST_CONFIG", config.toString()));
        for (int i = 0; i < 6; i++) { // six checks a minute apart, drawn one by one
            HttpResponse<String> r = server.http().postJson("/api/v1/targets/web/api/check", "", TestServer.ADMIN);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            clock.advance(Duration.ofMinutes(1));
        }
        HttpResponse<String> shard = server.http().postJson("/api/v1/heartbeat/bots/main/1",
                "{\"state\":\"online\",\"message\":\"ready\"}", TestServer.INGEST);
        assertThat(shard.statusCode()).isEqualTo(204);
        // Forty days of history written by the server's history code: a daily rhythm between about 80
        // and 200 ms, a slow spell, and an outage.
        Instant now = clock.instant();
        History history = server.app().history().history();
        for (Instant t = now.minus(Duration.ofDays(40)); t.isBefore(now.minus(Duration.ofMinutes(7))); t = t.plus(Duration.ofMinutes(1))) {
            double hour = (t.getEpochSecond() / 3600) % 24;
            double ms = 80 + 60 * (1 + Math.sin(hour / 24 * 2 * Math.PI)) + (t.getEpochSecond() / 60 % 7) * 3;
            if (t.isAfter(now.minus(Duration.ofDays(12))) && t.isBefore(now.minus(Duration.ofDays(11)))) {
                ms *= 3;
            }
            history.observe("web/api", t, true, t.getEpochSecond() / 60 % 487 == 0 ? 1_800 : ms); // a timeout now and then
        }
        TargetRef ref = new TargetRef("web/api", TargetKind.HTTP, "web", -1);
        Instant down = now.minus(Duration.ofDays(5));
        history.transition(new Transition(ref, State.ONLINE, State.DOWN, down, "status 503"));
        history.transition(new Transition(ref, State.DOWN, State.ONLINE, down.plus(Duration.ofMinutes(40)), "status 200"));
        server.app().history().flush();
        base = "http://127.0.0.1:" + server.app().port();
        browser = Browser.start(dir.resolve("profile"), true, 1280, 1000);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (server != null) {
            server.close();
        }
        if (service != null) {
            service.stop(0);
        }
    }

    static void open(ChromeDriver driver, String path) {
        driver.get(base + path);
        await().atMost(Duration.ofSeconds(10)).until(() ->
                "complete".equals(driver.executeScript("return document.readyState")));
    }

    static String stroke(ChromeDriver driver, String selector) {
        return (String) driver.executeScript("return getComputedStyle(document.querySelector(arguments[0])).stroke", selector);
    }

    @Test
    void theChartIsDrawnWithItsTextAlternativeInLightAndDarkThemes() {
        browser.manage().window().setSize(new Dimension(1280, 1000));
        open(browser, "/targets/web/api");
        WebElement svg = browser.findElement(By.cssSelector("#response-time svg.chart"));
        assertThat(svg.isDisplayed()).isTrue();
        assertThat(svg.getRect().getWidth()).as("the chart takes the page's width").isGreaterThan(600);
        assertThat(svg.getRect().getHeight()).isGreaterThan(150);
        assertThat(svg.getDomAttribute("role")).isEqualTo("img");
        assertThat(svg.getDomAttribute("aria-labelledby")).isEqualTo("chart-title chart-desc");
        assertThat(browser.findElement(By.id("chart-title")).getDomProperty("textContent"))
                .isEqualTo("Response time of Public API, last 24 hours");
        assertThat(browser.findElement(By.id("chart-desc")).getDomProperty("textContent"))
                .startsWith("Last 24 hours: median ").contains("The last " + served.get() + " checks are drawn one by one.");
        // The lines are really drawn: a path with length, stroked in a colour.
        for (String line : List.of("p50", "p95", "max")) {
            Number length = (Number) browser.executeScript(
                    "return document.querySelector('svg.chart path." + line + "').getTotalLength()");
            assertThat(length.doubleValue()).as(line).isGreaterThan(5);
        }
        // The checks of the last seconds sit close together on a 24 h axis and may be nearly equal,
        // so their line can be short: it is drawn through every one of them.
        Number checkPoints = (Number) browser.executeScript(
                "return document.querySelector('svg.chart path.checks').getAttribute('d').split(/[ML]/).filter(p => p.trim()).length");
        assertThat(checkPoints.intValue()).as("checks drawn one by one").isGreaterThanOrEqualTo(2);
        String lightLine = stroke(browser, "svg.chart path.p50");
        assertThat(lightLine).startsWith("rgb(");
        // The table beside it: closed at first, one row per hour measured.
        WebElement details = browser.findElement(By.cssSelector("details.chart-data"));
        assertThat(details.getDomProperty("open")).isEqualTo("false");
        details.findElement(By.tagName("summary")).click();
        assertThat(details.getDomProperty("open")).isEqualTo("true");
        List<WebElement> rows = details.findElements(By.cssSelector("tbody tr"));
        assertThat(rows).hasSizeBetween(23, 24);
        assertThat(rows.get(0).isDisplayed()).isTrue();
        // State in words and symbol, uptime with its window.
        assertThat(browser.findElement(By.cssSelector(".now .label")).getText()).isEqualTo("Online");
        assertThat((String) browser.executeScript("return getComputedStyle(document.querySelector('.now .sym'), '::before').content"))
                .contains("✓");
        assertThat(browser.findElement(By.cssSelector(".uptime-windows")).getText()).contains("7 d", "40 min down", "1 y");
        Browser.fullPage(browser, "target-page");

        browser.executeCdpCommand("Emulation.setEmulatedMedia",
                Map.of("features", List.of(Map.of("name", "prefers-color-scheme", "value", "dark"))));
        try {
            assertThat((String) browser.executeScript("return getComputedStyle(document.body).backgroundColor"))
                    .isEqualTo("rgb(13, 17, 23)");
            String darkLine = stroke(browser, "svg.chart path.p50");
            assertThat(darkLine).as("the chart follows the theme").isNotEqualTo(lightLine);
            String label = (String) browser.executeScript("return getComputedStyle(document.querySelector('svg.chart text')).fill");
            assertThat(label).isNotEqualTo("rgb(0, 0, 0)");
            Browser.fullPage(browser, "target-page-dark");
        } finally {
            browser.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("features", List.of()));
        }
        browser.manage().window().setSize(new Dimension(375, 800));
        open(browser, "/targets/web/api");
        // On a phone the chart keeps a readable width and scrolls inside its frame; the page itself does not.
        assertThat(browser.findElement(By.cssSelector("figure.chart-figure")).getRect().getWidth()).isLessThanOrEqualTo(375);
        assertThat(browser.findElement(By.cssSelector("svg.chart")).getRect().getWidth()).isGreaterThanOrEqualTo(540);
        Number overflow = (Number) browser.executeScript("return document.documentElement.scrollWidth - document.documentElement.clientWidth");
        assertThat(overflow.intValue()).as("no sideways scrolling on a phone").isLessThanOrEqualTo(0);
        Browser.fullPage(browser, "target-page-phone");
        browser.manage().window().setSize(new Dimension(1280, 1000));
    }

    @Test
    void theRangeLinksChangeTheChart() {
        open(browser, "/targets/web/api");
        browser.findElement(By.linkText("7d")).click();
        await().atMost(Duration.ofSeconds(5)).until(() -> browser.getCurrentUrl().contains("?range=7d"));
        assertThat(browser.findElement(By.id("chart-title")).getDomProperty("textContent")).endsWith("last 7 days");
        assertThat(browser.findElement(By.linkText("7d")).getDomAttribute("aria-current")).isEqualTo("page");
        assertThat(browser.findElement(By.linkText("24h")).getDomAttribute("aria-current")).isNull();
        assertThat(browser.findElements(By.cssSelector("details.chart-data tbody tr")).size()).isBetween(160, 168);
        Browser.screenshot(browser, "target-page-7d");

        browser.findElement(By.linkText("1y")).click();
        await().atMost(Duration.ofSeconds(5)).until(() -> browser.getCurrentUrl().contains("?range=1y"));
        assertThat(browser.findElement(By.id("chart-desc")).getDomProperty("textContent")).startsWith("Last 365 days: median ")
                .contains("highest 1.80 s");
        assertThat(browser.findElements(By.cssSelector("details.chart-data tbody tr"))).hasSize(41);
        Browser.screenshot(browser, "target-page-1y");
    }

    @Test
    void theRangeLinksWorkWithoutJavaScript() throws IOException {
        Path profile = Files.createTempDirectory(dir, "nojs");
        ChromeDriver plain = Browser.start(profile, false, 1280, 1000);
        try {
            open(plain, "/targets/web/api");
            plain.findElement(By.linkText("30d")).click();
            await().atMost(Duration.ofSeconds(5)).until(() -> plain.getCurrentUrl().contains("?range=30d"));
            assertThat(plain.findElement(By.id("chart-title")).getDomProperty("textContent")).endsWith("last 30 days");
            assertThat(plain.findElements(By.cssSelector("svg.chart path.p50"))).hasSize(1);
            Browser.fullPage(plain, "target-page-30d-no-js");
        } finally {
            plain.quit();
        }
    }

    @Test
    void onAPrivatePageTheTokenStaysOnTheRangeLinks(@TempDir Path other) {
        try (TestServer closed = TestServer.start(other, java.time.Clock.systemUTC(), Map.of("WATCHPOST_PUBLIC_READ", "false"))) {
            closed.http().postJson("/api/v1/targets", "{\"id\":\"api\",\"push\":{\"every\":\"1h\"}}", TestServer.ADMIN);
            closed.http().postJson("/api/v1/heartbeat/api", "{\"state\":\"online\",\"latency_ms\":40}", TestServer.INGEST);
            String root = "http://127.0.0.1:" + closed.app().port();
            browser.get(root + "/targets/api?token=" + TestServer.READ);
            await().atMost(Duration.ofSeconds(10)).until(() -> browser.executeScript("return window.__rendered") != null);
            WebElement week = browser.findElement(By.linkText("7d"));
            assertThat(week.getDomAttribute("href")).isEqualTo("/targets/api?range=7d&token=" + TestServer.READ + "#response-time");
            week.click();
            await().atMost(Duration.ofSeconds(5)).until(() -> browser.getCurrentUrl().contains("range=7d"));
            assertThat(browser.findElement(By.id("target-title")).getText()).startsWith("api");
            assertThat(browser.findElement(By.cssSelector("nav.crumbs a")).getDomAttribute("href"))
                    .isEqualTo("/?token=" + TestServer.READ);
        }
    }

    @Test
    void theStatusPageLeadsToTargetPages() {
        open(browser, "/");
        browser.findElement(By.cssSelector("li.target[data-target='web/api'] .name a")).click();
        await().atMost(Duration.ofSeconds(5)).until(() -> browser.getCurrentUrl().endsWith("/targets/web/api"));
        assertThat(browser.findElement(By.id("target-title")).getText()).startsWith("Public API");
        // Back up through the breadcrumb to the group; a shard's tile shows its details, whose link opens its page.
        browser.findElement(By.cssSelector("nav.crumbs a[href='/#group:web']")).click();
        await().atMost(Duration.ofSeconds(5)).until(() -> browser.getCurrentUrl().endsWith("/#group:web"));
        await().atMost(Duration.ofSeconds(10)).until(() -> browser.executeScript("return window.__rendered") != null);
        browser.findElement(By.cssSelector("ol.grid[data-group='bots/main'] li[data-shard='1']")).click();
        browser.findElement(By.linkText("Open shard 1's page")).click();
        await().atMost(Duration.ofSeconds(5)).until(() -> browser.getCurrentUrl().endsWith("/targets/bots/main/1"));
        assertThat(browser.findElement(By.cssSelector(".target-msg")).getText()).isEqualTo("ready");
        assertThat(browser.findElement(By.cssSelector(".facts")).getText()).contains("Shard 1 of Main bot");
    }
}
