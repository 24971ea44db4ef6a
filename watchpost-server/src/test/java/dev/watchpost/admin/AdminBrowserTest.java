package dev.watchpost.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.watchpost.testing.Browser;
import dev.watchpost.testing.Http;
import dev.watchpost.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.Select;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The dashboard in headless Chromium against a real server: what an operator does, and what an attacker tries. */
@Tag("browser")
class AdminBrowserTest {

    static final String SCRIPT = "<script>alert(1)</script>";
    static final String IMG = "\"><img src=x onerror=alert(1)>";
    static final String PASSWORD = "correct horse battery staple";

    static Browser browser;
    static ChromeDriver driver;

    @TempDir
    Path dir;
    TestServer server;
    Http api;
    String base;

    @BeforeAll
    static void openBrowser() {
        browser = Browser.start();
        driver = browser.driver();
    }

    @AfterAll
    static void closeBrowser() {
        if (browser != null) {
            browser.close();
        }
    }

    @BeforeEach
    void start() {
        server = TestServer.start(dir, Clock.systemUTC(), Map.of());
        api = server.http();
        base = "http://127.0.0.1:" + server.app().port();
        driver.get(base + "/admin/login");
        driver.manage().deleteAllCookies(); // cookies are per host, not per port: start each test signed out
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private void go(String path) {
        driver.get(base + path);
    }

    private void waitForPath(String path) {
        await().atMost(Duration.ofSeconds(10)).until(() -> driver.getCurrentUrl().startsWith(base + path));
    }

    private void signInWithToken(String token) {
        go("/admin/login");
        driver.findElement(By.id("f-token")).sendKeys(token);
        driver.findElement(By.xpath("//button[text()='Sign in with token']")).click();
        waitForPath("/admin/targets");
    }

    private void fill(String id, String text) {
        WebElement e = driver.findElement(By.id(id));
        e.clear();
        e.sendKeys(text);
    }

    private void assertNoInjectedScriptRan() {
        assertThat(browser.alertOpen()).as("an injected alert() ran").isFalse();
        assertThat(driver.findElements(By.cssSelector("main img"))).as("an injected <img> became markup").isEmpty();
        assertThat(driver.findElements(By.cssSelector("main script"))).isEmpty();
    }

    @Test
    void anOperatorSignsInCreatesATargetSetsItsStatusAndPostsANotice() throws Exception {
        go("/admin/targets");
        waitForPath("/admin/login");
        browser.screenshot("admin-login");
        signInWithToken(TestServer.ADMIN);

        driver.findElement(By.linkText("New target")).click();
        driver.findElement(By.linkText("Manual: people set its status")).click();
        fill("f-id", "web");
        fill("f-name", "Site " + SCRIPT);
        fill("f-description", "Front page " + IMG);
        browser.screenshot("admin-new-target");
        driver.findElement(By.xpath("//button[text()='Create target']")).click();
        waitForPath("/admin/target?id=web");
        assertThat(driver.findElement(By.tagName("h1")).getText()).isEqualTo("Site " + SCRIPT + " web");
        assertNoInjectedScriptRan();

        new Select(driver.findElement(By.id("f-status"))).selectByValue("down");
        fill("f-message", "Down " + IMG);
        driver.findElement(By.xpath("//button[text()='Record status']")).click();
        await().atMost(Duration.ofSeconds(10)).until(() -> driver.getCurrentUrl().contains("ok=status"));
        assertThat(driver.findElement(By.id("message")).getText()).isEqualTo("Down " + IMG);
        assertThat(driver.findElement(By.id("state")).getText()).contains("down");
        assertNoInjectedScriptRan();
        browser.screenshot("admin-target");
        JsonNode target = Http.json(api.get("/api/v1/targets/web")).get("target");
        assertThat(target.get("state").asText()).isEqualTo("down");
        assertThat(target.get("message").asText()).isEqualTo("Down " + IMG);

        go("/admin/targets?q=web");
        assertThat(driver.findElement(By.id("targets")).getText()).contains("Site " + SCRIPT).contains("Down " + IMG);
        assertNoInjectedScriptRan();
        browser.screenshot("admin-targets");

        go("/admin/notices");
        driver.findElement(By.linkText("Post an incident")).click();
        fill("f-title", "Outage " + SCRIPT);
        new Select(driver.findElement(By.id("f-status"))).selectByValue("identified");
        fill("f-message", "Power cut " + IMG);
        fill("f-targets", "web");
        driver.findElement(By.xpath("//button[text()='Post incident']")).click();
        await().atMost(Duration.ofSeconds(10)).until(() -> driver.getCurrentUrl().contains("ok=posted"));
        assertThat(driver.findElement(By.tagName("h1")).getText()).isEqualTo("Outage " + SCRIPT);
        assertThat(driver.findElement(By.id("updates")).getText()).contains("Power cut " + IMG).contains("Identified");
        assertNoInjectedScriptRan();
        browser.screenshot("admin-notice");
        JsonNode notice = Http.json(api.get("/api/v1/notices")).get("current").get(0);
        assertThat(notice.get("title").asText()).isEqualTo("Outage " + SCRIPT);
        assertThat(notice.get("targets").get(0).asText()).isEqualTo("web");

        // No zone is configured: a new window's form starts in the browser's zone, while a window being
        // edited keeps the zone its times are written in (replacing it would move the window on save).
        driver.executeCdpCommand("Emulation.setTimezoneOverride", Map.of("timezoneId", "Europe/Berlin"));
        try {
            go("/admin/notices/new?kind=maintenance");
            await().atMost(Duration.ofSeconds(5)).until(() -> "Europe/Berlin".equals(driver.findElement(By.id("f-tz"))
                    .getDomProperty("value")));
            browser.screenshot("admin-maintenance-form");
            Instant starts = Instant.now().plus(Duration.ofDays(1)).truncatedTo(java.time.temporal.ChronoUnit.MINUTES);
            HttpResponse<String> made = api.postJson("/api/v1/notices", "{\"kind\":\"maintenance\",\"title\":\"Move\","
                    + "\"message\":\"New rack\",\"targets\":[\"web\"],\"starts_at\":\"" + starts + "\",\"ends_at\":\""
                    + starts.plus(Duration.ofHours(1)) + "\"}", TestServer.ADMIN);
            assertThat(made.statusCode()).as(made.body()).isEqualTo(201);
            go("/admin/notice?id=" + Http.json(made).get("id").asLong());
            await().atMost(Duration.ofSeconds(5)).until(() -> driver.findElement(By.id("f-tz")).isDisplayed());
            assertThat(driver.findElement(By.id("f-tz")).getDomProperty("value")).isEqualTo("UTC");
        } finally {
            driver.executeCdpCommand("Emulation.setTimezoneOverride", Map.of("timezoneId", ""));
        }
    }

    @Test
    void anOperatorSignsInWithThePassword() {
        new AdminStore(server.app().database()).setPassword(Passwords.hash(PASSWORD.toCharArray()), Instant.now());
        go("/admin/login");
        driver.findElement(By.id("f-password")).sendKeys(PASSWORD);
        driver.findElement(By.xpath("//button[text()='Sign in']")).click();
        waitForPath("/admin/targets");
        assertThat(driver.findElement(By.tagName("h1")).getText()).isEqualTo("Targets");
    }

    @Test
    void aWrongPasswordIsAnErrorAndRepeatedOnesAreThrottled() {
        new AdminStore(server.app().database()).setPassword(Passwords.hash(PASSWORD.toCharArray()), Instant.now());
        for (int i = 0; i < AdminRoutes.MAX_FAILURES; i++) {
            go("/admin/login");
            driver.findElement(By.id("f-password")).sendKeys("not the password " + i);
            driver.findElement(By.xpath("//button[text()='Sign in']")).click();
            await().atMost(Duration.ofSeconds(10)).until(() -> !driver.findElements(By.cssSelector(".flash.error")).isEmpty());
            assertThat(driver.findElement(By.cssSelector(".flash.error")).getText()).isEqualTo("Wrong password.");
        }
        go("/admin/login");
        driver.findElement(By.id("f-password")).sendKeys(PASSWORD);
        driver.findElement(By.xpath("//button[text()='Sign in']")).click();
        await().atMost(Duration.ofSeconds(10)).until(() -> !driver.findElements(By.cssSelector(".flash.error")).isEmpty());
        assertThat(driver.findElement(By.cssSelector(".flash.error")).getText()).startsWith("Too many failed sign-ins");
        browser.screenshot("admin-throttled");
        assertThat(driver.manage().getCookieNamed(AdminRoutes.COOKIE)).isNull();
    }

    @Test
    void theSessionCookieIsHttpOnlyStrictAndScopedToTheDashboard() {
        signInWithToken(TestServer.ADMIN);
        Cookie c = driver.manage().getCookieNamed(AdminRoutes.COOKIE);
        assertThat(c.isHttpOnly()).isTrue();
        assertThat(c.getSameSite()).isEqualTo("Strict");
        assertThat(c.getPath()).isEqualTo("/admin");
        assertThat(c.isSecure()).as("plain http here; Secure when public-url is https").isFalse();
        assertThat(c.getExpiry()).isAfter(new java.util.Date(System.currentTimeMillis() + Duration.ofDays(6).toMillis()));
        assertThat((String) driver.executeScript("return document.cookie")).doesNotContain(AdminRoutes.COOKIE);
    }

    @Test
    void aPostWithTheBrowsersSessionButWithoutTheCsrfTokenIsRefusedAndChangesNothing() {
        signInWithToken(TestServer.ADMIN);
        AdminClient forger = new AdminClient(server.app().port());
        forger.session = driver.manage().getCookieNamed(AdminRoutes.COOKIE).getValue();
        HttpResponse<String> r = forger.post("/admin/targets/new", Map.of("mode", "json", "json",
                "{\"id\":\"forged\",\"manual\":{}}"));
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(api.get("/api/v1/targets/forged").statusCode()).isEqualTo(404);
        HttpResponse<String> logout = forger.post("/admin/logout", Map.of());
        assertThat(logout.statusCode()).isEqualTo(403);
        go("/admin/targets");
        assertThat(driver.getCurrentUrl()).as("still signed in").startsWith(base + "/admin/targets");
    }

    @Test
    void theClusterPageIsInTheNavigationAndOnASingleNodeSaysHowClusterModeIsTurnedOn() {
        signInWithToken(TestServer.ADMIN);
        driver.findElement(By.linkText("Cluster")).click();
        waitForPath("/admin/cluster");
        assertThat(driver.findElement(By.tagName("h1")).getText()).isEqualTo("Cluster");
        assertThat(driver.findElement(By.cssSelector("header nav a[aria-current=page]")).getText()).isEqualTo("Cluster");
        assertThat(driver.findElement(By.id("single")).getText()).startsWith("This Watchpost runs as a single node.")
                .contains("WATCHPOST_CLUSTER_SECRET").contains("Running several nodes");
        assertThat(driver.findElements(By.tagName("table"))).isEmpty();
        browser.screenshot("admin-cluster-single");
    }

    @Test
    void screenshotsOfABusyDashboard() throws Exception {
        api.postJson("/api/v1/groups", "{\"id\":\"bots\",\"name\":\"Discord bots\",\"groups\":[{\"id\":\"main\",\"shards\":12,"
                + "\"lease\":\"30s\"}]}", TestServer.ADMIN);
        api.postJson("/api/v1/targets", "{\"id\":\"web/api\",\"name\":\"Public API\",\"manual\":{}}", TestServer.ADMIN);
        api.postJson("/api/v1/targets/web/api/status", "{\"status\":\"warning\",\"message\":\"Slow responses\"}", TestServer.ADMIN);
        for (int i = 0; i < 6; i++) {
            api.postJson("/api/v1/heartbeat/bots/main/" + i, "{\"state\":\"online\"}", TestServer.INGEST);
        }
        api.postJson("/api/v1/heartbeat/bots/main/7", "{\"state\":\"starting\",\"message\":\"resuming session\"}", TestServer.INGEST);
        signInWithToken(TestServer.ADMIN);
        go("/admin/targets");
        browser.screenshot("admin-targets-busy");
        go("/admin/groups");
        browser.screenshot("admin-groups");
        go("/admin/tokens");
        browser.screenshot("admin-tokens");
        assertThat(Files.exists(Browser.SCREENSHOTS.resolve("admin-groups.png"))).isTrue();
    }
}
