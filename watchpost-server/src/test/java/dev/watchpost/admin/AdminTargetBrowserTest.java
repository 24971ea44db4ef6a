package dev.watchpost.admin;

import com.sun.net.httpserver.HttpServer;
import dev.watchpost.history.History;
import dev.watchpost.testing.Browser;
import dev.watchpost.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A target's page on the dashboard in headless Chromium against a real server: the status page's
 * response-time chart, day bars and uptime drawn in the dashboard's light and dark themes, with the
 * chart's text alternative, and its range links. Screenshots land in {@code target/screenshots/}.
 */
@Tag("browser")
class AdminTargetBrowserTest {

    @TempDir
    static Path dir;
    static TestServer server;
    static HttpServer service;
    static Browser browser;
    static ChromeDriver driver;
    static String base;

    @BeforeAll
    static void start() throws IOException {
        service = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        service.createContext("/health", ex -> {
            byte[] ok = "ok".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, ok.length);
            ex.getResponseBody().write(ok);
            ex.close();
        });
        service.start();
        Path config = dir.resolve("watchpost.yml");
        Files.writeString(config, """
                groups:
                  - { id: web, name: Web }
                targets:
                  - { id: web/api, name: Public API, http: { url: "http://127.0.0.1:%d/health", every: 1h } }
                """.formatted(service.getAddress().getPort()));
        server = TestServer.start(dir, Clock.systemUTC(), Map.of("WATCHPOST_CONFIG", config.toString()));
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> r = server.http().postJson("/api/v1/targets/web/api/check", "", TestServer.ADMIN);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        }
        // Forty days before now written by the server's history code: a daily rhythm between about 80
        // and 200 ms, a timeout now and then.
        Instant now = Instant.now();
        History history = server.app().history().history();
        for (Instant t = now.minus(Duration.ofDays(40)); t.isBefore(now.minus(Duration.ofMinutes(5))); t = t.plus(Duration.ofMinutes(5))) {
            double hour = (t.getEpochSecond() / 3600) % 24;
            double ms = 80 + 60 * (1 + Math.sin(hour / 24 * 2 * Math.PI)) + (t.getEpochSecond() / 300 % 7) * 3;
            history.observe("web/api", t, true, t.getEpochSecond() / 300 % 97 == 0 ? 1_800 : ms);
        }
        server.app().history().flush();
        base = "http://127.0.0.1:" + server.app().port();
        browser = Browser.start();
        driver = browser.driver();
        driver.get(base + "/admin/login");
        driver.findElement(By.id("f-token")).sendKeys(TestServer.ADMIN);
        driver.findElement(By.xpath("//button[text()='Sign in with token']")).click();
        await().atMost(Duration.ofSeconds(10)).until(() -> driver.getCurrentUrl().startsWith(base + "/admin/targets"));
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
        if (server != null) {
            server.close();
        }
        if (service != null) {
            service.stop(0);
        }
    }

    static void open(String path) {
        driver.get(base + path);
        await().atMost(Duration.ofSeconds(10)).until(() -> "complete".equals(driver.executeScript("return document.readyState")));
    }

    static String style(String selector, String property) {
        return (String) driver.executeScript("return getComputedStyle(document.querySelector(arguments[0]))[arguments[1]]",
                selector, property);
    }

    @Test
    void theTargetsPageDrawsItsChartAndDayBarsInLightAndDarkThemes() {
        open("/admin/target?id=web/api");
        assertThat(driver.findElement(By.tagName("h1")).getText()).isEqualTo("Public API web/api");
        WebElement svg = driver.findElement(By.cssSelector("#response-time svg.chart"));
        assertThat(svg.isDisplayed()).isTrue();
        assertThat(svg.getRect().getWidth()).as("the chart takes the page's width").isGreaterThan(600);
        assertThat(svg.getRect().getHeight()).isGreaterThan(150);
        assertThat(svg.getDomAttribute("aria-labelledby")).isEqualTo("chart-title chart-desc");
        assertThat(driver.findElement(By.id("chart-title")).getDomProperty("textContent"))
                .isEqualTo("Response time of Public API, last 24 hours");
        assertThat(driver.findElement(By.id("chart-desc")).getDomProperty("textContent"))
                .startsWith("Last 24 hours: median ").containsPattern("The last \\d+ checks are drawn one by one.");
        for (String line : List.of("p50", "p95", "max")) {
            Number length = (Number) driver.executeScript(
                    "return document.querySelector('svg.chart path." + line + "').getTotalLength()");
            assertThat(length.doubleValue()).as(line).isGreaterThan(5);
        }
        // The checks of the last seconds sit close together on a 24 h axis: drawn, however short their line.
        assertThat(driver.findElements(By.cssSelector("svg.chart path.checks"))).hasSize(1);
        String lightLine = style("svg.chart path.p50", "stroke");
        String lightText = style("svg.chart text", "fill");
        assertThat(lightLine).as("stroked in the dashboard's colours, not the default").startsWith("rgb(").isNotEqualTo("none");
        assertThat(style("svg.chart path.p50", "fill")).isEqualTo("none");
        // The day bars and uptime figures above it, the table of the chart's hours beside it.
        assertThat(driver.findElement(By.cssSelector(".target-history svg.bars")).getRect().getHeight()).isBetween(20, 40);
        assertThat(style(".target-history svg.bars rect.d-ok", "fill")).isEqualTo("rgb(26, 127, 55)");
        assertThat(driver.findElement(By.cssSelector(".uptime-windows")).getText()).contains("24 h", "7 d", "30 d", "1 y", "100%");
        WebElement details = driver.findElement(By.cssSelector("details.chart-data"));
        details.findElement(By.tagName("summary")).click();
        assertThat(details.findElements(By.cssSelector("tbody tr"))).hasSizeBetween(23, 24);
        Browser.fullPage(driver, "admin-target-history");

        driver.executeCdpCommand("Emulation.setEmulatedMedia",
                Map.of("features", List.of(Map.of("name", "prefers-color-scheme", "value", "dark"))));
        try {
            assertThat(style("body", "backgroundColor")).isEqualTo("rgb(15, 18, 22)");
            assertThat(style("svg.chart path.p50", "stroke")).as("the chart follows the theme").isNotEqualTo(lightLine);
            String darkText = style("svg.chart text", "fill");
            assertThat(darkText).as("its labels are light on dark").isNotEqualTo(lightText).isNotEqualTo("rgb(0, 0, 0)");
            assertThat(style(".chart-figure", "backgroundColor")).isEqualTo("rgb(23, 27, 33)");
            assertThat(driver.findElement(By.cssSelector("#response-time svg.chart")).isDisplayed()).isTrue();
            Browser.fullPage(driver, "admin-target-history-dark");
        } finally {
            driver.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("features", List.of()));
        }
    }

    @Test
    void theRangeLinksStayOnTheDashboard() {
        open("/admin/target?id=web/api");
        driver.findElement(By.linkText("30d")).click();
        await().atMost(Duration.ofSeconds(5)).until(() -> driver.getCurrentUrl().contains("&range=30d"));
        assertThat(driver.getCurrentUrl()).startsWith(base + "/admin/target?id=web%2Fapi&range=30d");
        assertThat(driver.findElement(By.id("chart-title")).getDomProperty("textContent")).endsWith("last 30 days");
        assertThat(driver.findElement(By.linkText("30d")).getDomAttribute("aria-current")).isEqualTo("page");
        assertThat(driver.findElement(By.linkText("24h")).getDomAttribute("aria-current")).isNull();
        assertThat(driver.findElement(By.cssSelector("svg.chart path.p50")).isDisplayed()).isTrue();
        Browser.screenshot(driver, "admin-target-history-30d");
    }
}
