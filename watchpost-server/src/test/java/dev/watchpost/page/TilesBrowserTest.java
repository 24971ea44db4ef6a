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
import org.openqa.selenium.Dimension;
import org.openqa.selenium.Keys;
import org.openqa.selenium.Rectangle;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.interactions.PointerInput;
import org.openqa.selenium.interactions.Sequence;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Shard tiles and day bars read by keyboard, pointer and touch, in headless Chromium against a real
 * server: one tab stop per grid and per row of day bars, arrow keys, the details panel filled from
 * the read API (message and metrics), Enter and the panel's link to the shard's page, numbers in
 * small grids, the day's text under the bars, and every row's bars one width (desktop and phone).
 * Screenshots land in {@code target/screenshots/}.
 */
@Tag("browser")
class TilesBrowserTest {

    static final int SHARDS = 360;

    @TempDir
    static Path dir;
    static TestServer server;
    static Http http;
    static String base;
    static ChromeDriver browser;

    @BeforeAll
    static void start() throws IOException {
        Path config = dir.resolve("watchpost.yml");
        Files.writeString(config, """
                groups:
                  - id: bots
                    name: Discord bots
                    groups:
                      - id: main
                        name: Main bot
                        shards: %d
                        lease: 30s
                      - id: music
                        name: Music bot
                        shards: 12
                        lease: 30s
                  - id: ops
                    name: Internal
                    public: false
                    groups:
                      - id: jobs
                        name: Job runners
                        shards: 4
                        lease: 30s
                  - id: web
                    name: Web
                targets:
                  - id: web/api
                    name: Public API
                    http: { url: "http://127.0.0.1:9/health", every: 1h }
                  - id: web/status
                    name: Status
                    manual: {}
                  - id: workers/mailer
                    name: Mailer
                    push: { every: 1h }
                  - id: workers/billing-reconciliation-nightly
                    name: Billing reconciliation (nightly)
                    push: { every: 1h }
                """.formatted(SHARDS));
        server = TestServer.start(dir, Clock.systemUTC(), Map.of("WATCHPOST_CONFIG", config.toString()));
        http = server.http();
        base = "http://127.0.0.1:" + server.app().port();
        StringBuilder batch = new StringBuilder("[");
        for (int i = 0; i < SHARDS; i += 2) {
            batch.append("{\"target\":\"bots/main/").append(i).append("\",\"state\":\"online\",\"metrics\":{\"guilds\":")
                    .append(1_000 + i).append("}},");
        }
        batch.append("""
                {"target":"bots/main/21","state":"offline","message":"gateway closed: 4000 unknown error",
                 "latency_ms":87,"metrics":{"guilds":1523,"latency_ms":87,"members":40210}},
                {"target":"bots/music/3","state":"degraded","message":"voice region slow","metrics":{"players":17}},
                {"target":"ops/jobs/2","state":"online","message":"queue drained","metrics":{"queue":0}},
                {"target":"workers/mailer","state":"online"},
                {"target":"workers/billing-reconciliation-nightly","state":"down","message":"ledger mismatch"}]""");
        HttpResponse<String> r = http.postJson("/api/v1/heartbeats", batch.toString(), TestServer.INGEST);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).contains("\"rejected\":[]");
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
    void desktop() {
        browser.manage().window().setSize(new Dimension(1280, 1000));
    }

    static void open(String path) {
        browser.get(base + path);
        await().atMost(Duration.ofSeconds(10)).until(() -> browser.executeScript("return window.__rendered") != null);
    }

    static WebElement grid(String group) {
        return browser.findElement(By.cssSelector("ol.grid[data-group='" + group + "']"));
    }

    static WebElement tile(String group, int shard) {
        return grid(group).findElement(By.cssSelector("li[data-shard='" + shard + "']"));
    }

    static WebElement panel(String group) {
        return grid(group).findElement(By.xpath("following-sibling::*[1]"));
    }

    static WebElement active() {
        return (WebElement) browser.executeScript("return document.activeElement");
    }

    static void keys(CharSequence... keys) {
        new Actions(browser).sendKeys(keys).perform();
    }

    /** Presses Tab from the top of the page until {@code reached} holds; how many presses it took. */
    static int tabUntil(String what, java.util.function.Predicate<WebElement> reached) {
        for (int i = 1; i <= 60; i++) {
            keys(Keys.TAB);
            if (reached.test(active())) {
                return i;
            }
        }
        throw new AssertionError("Tab never reached " + what);
    }

    static boolean isTileOf(WebElement e, String group) {
        return "li".equals(e.getTagName()) && group.equals(e.findElement(By.xpath("..")).getDomAttribute("data-group"));
    }

    /** A finger's tap (touch pointer events, then the click the browser makes of them), {@code dx} right of the middle. */
    static void tap(WebElement target, int dx) {
        PointerInput finger = new PointerInput(PointerInput.Kind.TOUCH, "finger");
        Sequence tap = new Sequence(finger, 0)
                .addAction(finger.createPointerMove(Duration.ZERO, PointerInput.Origin.fromElement(target), dx, 0))
                .addAction(finger.createPointerDown(PointerInput.MouseButton.LEFT.asArg()))
                .addAction(finger.createPointerUp(PointerInput.MouseButton.LEFT.asArg()));
        browser.perform(List.of(tap));
    }

    @Test
    void theGridIsOneTabStopArrowKeysMoveAndThePanelShowsTheShardsDetails() {
        open("/");
        WebElement panel = panel("bots/main");
        assertThat(panel.getDomAttribute("aria-live")).isEqualTo("polite");
        assertThat(grid("bots/main").getDomAttribute("aria-describedby")).isEqualTo(panel.getDomAttribute("id"));

        tabUntil("the Main bot's grid", e -> isTileOf(e, "bots/main"));
        assertThat(active().getDomAttribute("data-shard")).isEqualTo("0");
        assertThat(panel.getText()).contains("Shard 0");
        // One tab stop: the next Tab leaves the grid at once, for the panel's link, then the next grid.
        keys(Keys.TAB);
        assertThat(active().getText()).isEqualTo("Open shard 0's page");
        keys(Keys.TAB);
        assertThat(isTileOf(active(), "bots/music")).isTrue();
        new Actions(browser).keyDown(Keys.SHIFT).sendKeys(Keys.TAB, Keys.TAB).keyUp(Keys.SHIFT).perform();
        assertThat(active().getDomAttribute("data-shard")).as(active().getDomProperty("outerHTML")).isEqualTo("0");

        int columns = ((Number) browser.executeScript("""
                const g = document.querySelector("ol.grid[data-group='bots/main']");
                let n = 1; while (g.children[n].offsetTop === g.children[0].offsetTop) n++; return n;""")).intValue();
        keys(Keys.ARROW_RIGHT);
        assertThat(active().getDomAttribute("data-shard")).isEqualTo("1");
        keys(Keys.ARROW_DOWN);
        assertThat(active().getDomAttribute("data-shard")).isEqualTo(Integer.toString(1 + columns));
        keys(Keys.ARROW_UP, Keys.ARROW_LEFT, Keys.ARROW_LEFT);
        assertThat(active().getDomAttribute("data-shard")).as("stops at the first tile").isEqualTo("0");
        keys(Keys.PAGE_DOWN);
        assertThat(active().getDomAttribute("data-shard")).isEqualTo(Integer.toString(5 * columns));
        keys(Keys.END);
        assertThat(active().getDomAttribute("data-shard")).isEqualTo(Integer.toString(SHARDS - 1));
        keys(Keys.HOME);
        assertThat(active().getDomAttribute("data-shard")).isEqualTo("0");
        // Still one tab stop, now at the tile last focused.
        assertThat(grid("bots/main").findElements(By.cssSelector("li[tabindex]"))).hasSize(1);

        for (int i = 0; i < 21; i++) {
            keys(Keys.ARROW_RIGHT);
        }
        assertThat(active().getDomAttribute("data-shard")).isEqualTo("21");
        await().atMost(Duration.ofSeconds(5)).until(() -> panel.getText().contains("gateway closed"));
        assertThat(panel.getText()).contains("Shard 21", "Offline", "since ", "gateway closed: 4000 unknown error",
                "guilds", "1,523", "latency_ms", "87", "members", "40,210", "Open shard 21's page");
        assertThat(panel.getText()).as("the time as the server writes it, to the minute")
                .containsPattern("since \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC \\(");
        // Not by colour alone: the focused tile has an outline in the focus colour.
        assertThat((String) browser.executeScript("return getComputedStyle(document.activeElement).outlineStyle"))
                .isEqualTo("solid");
        Browser.screenshot(browser, "tile-focused-details");
        browser.executeCdpCommand("Emulation.setEmulatedMedia",
                Map.of("features", List.of(Map.of("name", "prefers-color-scheme", "value", "dark"))));
        try {
            assertThat((String) browser.executeScript("return getComputedStyle(document.activeElement).outlineColor"))
                    .as("the dark theme's focus colour").isEqualTo("rgb(88, 166, 255)");
            Browser.screenshot(browser, "tile-focused-details-dark");
        } finally {
            browser.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("features", List.of()));
        }

        keys(Keys.ENTER);
        await().atMost(Duration.ofSeconds(5)).until(() -> browser.getCurrentUrl().endsWith("/targets/bots/main/21"));
        assertThat(browser.findElement(By.cssSelector(".target-msg")).getText()).isEqualTo("gateway closed: 4000 unknown error");
    }

    @Test
    void aTapShowsTheDetailsWithALinkToTheShardsPageAndHoverShowsThemToo() {
        open("/");
        WebElement panel = panel("bots/main");
        new Actions(browser).moveToElement(tile("bots/main", 4)).perform();
        await().atMost(Duration.ofSeconds(5)).until(() -> panel.getText().contains("guilds 1,004")
                || panel.getText().contains("guilds\n1,004"));
        assertThat(panel.getText()).contains("Shard 4", "Online");

        tile("bots/main", 21).click();
        assertThat(browser.getCurrentUrl()).as("a tap shows, it does not navigate").isEqualTo(base + "/");
        await().atMost(Duration.ofSeconds(5)).until(() -> panel.getText().contains("gateway closed"));
        assertThat(panel.getText()).contains("Shard 21", "Offline");
        assertThat(active().getDomAttribute("data-shard")).as("the tapped tile takes the grid's tab stop").isEqualTo("21");
        // On the way to the panel's link the pointer crosses other tiles: they show while under it ...
        new Actions(browser).moveToElement(tile("bots/main", 40)).perform();
        await().atMost(Duration.ofSeconds(5)).until(() -> panel.getText().contains("Shard 40"));
        // ... and the tile clicked is back once it leaves the grid.
        new Actions(browser).moveToElement(panel).perform();
        await().atMost(Duration.ofSeconds(5)).until(() -> panel.getText().contains("gateway closed"));
        panel.findElement(By.linkText("Open shard 21's page")).click();
        await().atMost(Duration.ofSeconds(5)).until(() -> browser.getCurrentUrl().endsWith("/targets/bots/main/21"));
    }

    @Test
    void aGuildSearchMovesTheGridsTabStopToTheShardFound() {
        open("/");
        String guild = "1234567890123456789";
        int expected = new java.math.BigInteger(guild).shiftRight(22).mod(java.math.BigInteger.valueOf(SHARDS)).intValueExact();
        browser.findElement(By.id("guild")).sendKeys(guild, Keys.ENTER);
        await().atMost(Duration.ofSeconds(2)).until(() -> !browser.findElements(By.cssSelector("ol.grid li.found")).isEmpty());
        browser.executeScript("document.getElementById('guild').focus()");
        tabUntil("the Main bot's grid", e -> isTileOf(e, "bots/main"));
        assertThat(active().getDomAttribute("data-shard")).isEqualTo(Integer.toString(expected));
        assertThat(panel("bots/main").getText()).contains("Shard " + expected);
    }

    @Test
    void aSmallGridShowsItsNumbersInTheTiles() {
        open("/");
        List<WebElement> tiles = grid("bots/music").findElements(By.tagName("li"));
        assertThat(tiles).hasSize(12);
        for (int i = 0; i < tiles.size(); i++) {
            assertThat(tiles.get(i).getText()).isEqualTo(Integer.toString(i));
        }
        assertThat(tiles.get(3).getSize().getWidth()).isGreaterThanOrEqualTo(24);
        // The big grid's tiles carry no text; their number is in the panel.
        assertThat(tile("bots/main", 21).getText()).isEmpty();
        tiles.get(3).click();
        WebElement panel = panel("bots/music");
        await().atMost(Duration.ofSeconds(5)).until(() -> panel.getText().contains("voice region slow"));
        assertThat(panel.getText()).contains("Shard 3", "Degraded", "players", "17");
        Browser.screenshot(browser, "tile-small-grid");
    }

    @Test
    void aPrivateGridsDetailsAreReadWithThePagesToken() {
        open("/");
        assertThat(browser.findElements(By.cssSelector("ol.grid[data-group='ops/jobs']"))).isEmpty();
        HttpResponse<String> anonymous = http.get("/api/v1/targets/ops/jobs/2");
        assertThat(anonymous.statusCode()).isEqualTo(404);

        open("/?token=" + TestServer.READ);
        tile("ops/jobs", 2).click();
        WebElement panel = panel("ops/jobs");
        await().atMost(Duration.ofSeconds(5)).until(() -> panel.getText().contains("queue drained"));
        assertThat(panel.findElement(By.tagName("a")).getDomAttribute("href"))
                .isEqualTo("/targets/ops/jobs/2?token=" + TestServer.READ);
        keys(Keys.ENTER);
        await().atMost(Duration.ofSeconds(5)).until(() ->
                browser.getCurrentUrl().endsWith("/targets/ops/jobs/2?token=" + TestServer.READ));
    }

    @Test
    void aLiveChangeRefreshesTheShownDetails() {
        open("/");
        await().atMost(Duration.ofSeconds(10)).until(() ->
                "live".equals(browser.findElement(By.id("conn")).getDomAttribute("data-conn")));
        tile("bots/main", 30).click();
        WebElement panel = panel("bots/main");
        await().atMost(Duration.ofSeconds(5)).until(() -> panel.getText().contains("guilds"));
        HttpResponse<String> r = http.postJson("/api/v1/heartbeat/bots/main/30",
                "{\"state\":\"resuming\",\"message\":\"session resumed after 4009\"}", TestServer.INGEST);
        assertThat(r.statusCode()).isEqualTo(204);
        await().atMost(Duration.ofSeconds(5)).until(() -> panel.getText().contains("session resumed after 4009"));
        assertThat(panel.getText()).contains("Resuming");
        assertThat(tile("bots/main", 30).getDomAttribute("title")).isEqualTo("Shard 30: Resuming");
        http.postJson("/api/v1/heartbeat/bots/main/30", "{\"state\":\"online\"}", TestServer.INGEST);
    }

    @Test
    void dayBarsAreOneTabStopPerRowAndArrowKeysShowADaysText() {
        open("/");
        WebElement bars = browser.findElement(By.cssSelector("li.target[data-target='workers/mailer'] svg.bars"));
        browser.executeScript("document.querySelector(\"li.target[data-target='workers/mailer'] .name a\").focus()");
        keys(Keys.TAB);
        assertThat(active()).isEqualTo(bars);
        WebElement line = browser.findElement(By.cssSelector("li.target[data-target='workers/mailer'] .day-info"));
        assertThat(line.getDomAttribute("aria-live")).isEqualTo("polite");
        String today = java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString();
        String yesterday = java.time.LocalDate.now(java.time.ZoneOffset.UTC).minusDays(1).toString();
        assertThat(line.getText()).startsWith(today + ": ");
        keys(Keys.ARROW_LEFT);
        assertThat(line.getText()).isEqualTo(yesterday + ": no data");
        keys(Keys.HOME);
        assertThat(line.getText()).isEqualTo(java.time.LocalDate.now(java.time.ZoneOffset.UTC).minusDays(89) + ": no data");
        keys(Keys.END);
        assertThat(line.getText()).startsWith(today + ": ");
        assertThat(line.isDisplayed()).isTrue();
        Rectangle b = bars.getRect();
        Rectangle l = line.getRect();
        assertThat(l.getY()).as("the line is under the bars").isGreaterThanOrEqualTo(b.getY() + b.getHeight());
        assertThat(l.getWidth()).isCloseTo(b.getWidth(), org.assertj.core.data.Offset.offset(2));
        assertThat((String) browser.executeScript("return getComputedStyle(document.activeElement).outlineStyle"))
                .isEqualTo("solid");
        Browser.screenshot(browser, "day-focused-details");
        // One tab stop: the next Tab leaves the row's bars.
        keys(Keys.TAB);
        assertThat(active()).isNotEqualTo(bars);
        assertThat(line.isDisplayed()).as("the line goes with the focus").isFalse();

        // Hover and tap: the day under the pointer.
        new Actions(browser).moveToElement(bars).perform(); // the middle: day 45, long before the target existed
        WebElement shown = browser.findElement(By.cssSelector("li.target[data-target='workers/mailer'] .day-info"));
        assertThat(shown.isDisplayed()).isTrue();
        assertThat(shown.getText()).endsWith(": no data").doesNotStartWith(today);
        new Actions(browser).moveToElement(bars).click().perform();
        assertThat(active()).isEqualTo(bars);
    }

    @Test
    void aTargetsPageReadsItsDayBarsTheSameWay() {
        open("/targets/workers/mailer");
        WebElement bars = browser.findElement(By.cssSelector(".hist.wide svg.bars"));
        browser.executeScript("arguments[0].scrollIntoView({block: 'center'})", bars);
        // A tap near the right end: today; then the keys take over from there.
        new Actions(browser).moveToElement(bars, bars.getRect().getWidth() / 2 - 2, 0).click().perform();
        assertThat(active()).isEqualTo(bars);
        keys(Keys.ARROW_LEFT);
        WebElement line = browser.findElement(By.cssSelector(".hist.wide .day-info"));
        assertThat(line.getText()).isEqualTo(java.time.LocalDate.now(java.time.ZoneOffset.UTC).minusDays(1) + ": no data");
        keys(Keys.ESCAPE);
        assertThat(line.isDisplayed()).isFalse();
    }

    @Test
    void everyRowsDayBarsHaveTheSameWidth() {
        for (int width : new int[] {1280, 700, 375}) {
            browser.manage().window().setSize(new Dimension(width, 900));
            open("/");
            List<WebElement> rows = browser.findElements(By.cssSelector("li.target"));
            assertThat(rows).hasSizeGreaterThanOrEqualTo(4);
            Set<Long> widths = new HashSet<>();
            Set<String> figures = new HashSet<>();
            List<String> seen = new ArrayList<>();
            for (WebElement row : rows) {
                double w = ((Number) browser.executeScript("return arguments[0].getBoundingClientRect().width",
                        row.findElement(By.cssSelector("svg.bars")))).doubleValue();
                widths.add(Math.round(w * 10));
                String f = row.findElement(By.cssSelector(".uptime")).getText().replace('\n', ' ')
                        + (row.findElements(By.cssSelector(".spark, .spark-none")).isEmpty() ? "" : " +spark");
                figures.add(f);
                seen.add(row.getDomAttribute("data-target") + " " + w + " " + f);
            }
            assertThat(figures).as("rows with different figures beside the bars: %s", seen).hasSizeGreaterThanOrEqualTo(2);
            assertThat(widths).as("bar widths at %d px: %s", width, seen).hasSize(1);
            assertThat(((Number) browser.executeScript("return document.documentElement.scrollWidth")).intValue())
                    .as("no sideways scrolling at %d px", width)
                    .isLessThanOrEqualTo(((Number) browser.executeScript("return window.innerWidth")).intValue());
        }
        Browser.fullPage(browser, "day-bars-375px");
    }

    @Test
    void onAPhoneAShardIsPickedByNumberWithControlsAFingerCanHit() {
        browser.manage().window().setSize(new Dimension(375, 812));
        open("/");
        assertThat(browser.findElements(By.cssSelector("form.tile-pick"))).as("only the large grid has one: small grids' tiles are 24 px")
                .hasSize(1);
        WebElement pick = grid("bots/main").findElement(By.xpath("preceding-sibling::*[1]"));
        assertThat(pick.getDomAttribute("class")).isEqualTo("tile-pick");
        assertThat(tile("bots/main", 21).getSize().getWidth()).as("the tiles themselves").isLessThan(24);
        // WCAG 2.5.8 (target size): what a 14 px tile does is offered through controls of 24 px and more
        for (WebElement c : pick.findElements(By.cssSelector("input, button"))) {
            assertThat(c.getSize().getWidth()).as(c.getDomProperty("outerHTML")).isGreaterThanOrEqualTo(24);
            assertThat(c.getSize().getHeight()).as(c.getDomProperty("outerHTML")).isGreaterThanOrEqualTo(24);
        }
        WebElement number = pick.findElement(By.tagName("input"));
        WebElement panel = panel("bots/main");
        number.sendKeys("21", Keys.ENTER);
        await().atMost(Duration.ofSeconds(5)).until(() -> panel.getText().contains("gateway closed"));
        assertThat(panel.getText()).contains("Shard 21", "Offline", "Open shard 21's page");
        assertThat(tile("bots/main", 21).getDomAttribute("class")).contains("shown");
        assertThat(browser.getCurrentUrl()).as("shows, does not navigate").isEqualTo(base + "/");

        tap(pick.findElement(By.cssSelector("button[aria-label='Next shard']")), 0);
        await().atMost(Duration.ofSeconds(5)).until(() -> panel.getText().contains("Shard 22"));
        assertThat(number.getDomProperty("value")).isEqualTo("22");
        assertThat(tile("bots/main", 22).getDomAttribute("class")).contains("shown");
        assertThat(tile("bots/main", 21).getDomAttribute("class")).doesNotContain("shown");
        tap(pick.findElement(By.cssSelector("button[aria-label='Previous shard']")), 0);
        await().atMost(Duration.ofSeconds(5)).until(() -> panel.getText().contains("gateway closed"));
        Browser.screenshot(browser, "tile-picked-375px");

        number.clear();
        number.sendKeys(Integer.toString(SHARDS), Keys.ENTER);
        await().atMost(Duration.ofSeconds(5)).until(() -> panel.getText().contains("No shard " + SHARDS));
        assertThat(panel.getText()).contains("the shards are 0 to " + (SHARDS - 1));
        assertThat(grid("bots/main").findElements(By.cssSelector("li.shown"))).isEmpty();
    }

    @Test
    void onAPhoneATapShowsATilesAndADaysDetails() {
        browser.manage().window().setSize(new Dimension(375, 812));
        open("/");
        WebElement t = tile("bots/main", 21);
        browser.executeScript("arguments[0].scrollIntoView({block: 'center'})", t);
        tap(t, 0);
        WebElement panel = panel("bots/main");
        await().atMost(Duration.ofSeconds(5)).until(() -> panel.getText().contains("gateway closed"));
        assertThat(panel.getRect().getWidth()).isLessThanOrEqualTo(375);
        Browser.screenshot(browser, "tile-details-375px");

        WebElement bars = browser.findElement(By.cssSelector("li.target[data-target='workers/mailer'] svg.bars"));
        browser.executeScript("arguments[0].scrollIntoView({block: 'center'})", bars);
        tap(bars, bars.getRect().getWidth() / 2 - 2); // the right end: today
        WebElement line = browser.findElement(By.cssSelector("li.target[data-target='workers/mailer'] .day-info"));
        assertThat(line.isDisplayed()).isTrue();
        assertThat(line.getText()).startsWith(java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString() + ": ");
        assertThat(panel.getText()).as("the tile tapped before is still shown").contains("Shard 21", "gateway closed");
        Browser.screenshot(browser, "day-details-375px");
        // A tap elsewhere closes the day's line: no hover is left behind by the finger.
        tap(browser.findElement(By.cssSelector("li.target[data-target='workers/mailer'] .state")), 0);
        assertThat(line.isDisplayed()).isFalse();
    }
}
