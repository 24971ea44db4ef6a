package dev.watchpost.testing;

import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Headless Chromium for the browser tests (status page, dashboard): Debian's {@code chromium} driven through
 * {@code /usr/bin/chromedriver}, both given by path so Selenium never looks for or downloads a
 * browser or a driver. Missing ones fail the test saying what to install ({@code .ci/run} installs
 * them): skipping would hide that the pages went untested.
 */
public final class Browser implements AutoCloseable {

    public static final Path CHROMEDRIVER = Path.of(System.getenv().getOrDefault("WATCHPOST_CHROMEDRIVER", "/usr/bin/chromedriver"));
    public static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("WATCHPOST_CHROMIUM", "/usr/bin/chromium"));
    public static final Path SCREENSHOTS = Path.of("target", "screenshots");

    private final ChromeDriver driver;
    private final Path profile;

    private Browser(ChromeDriver driver, Path profile) {
        this.driver = driver;
        this.profile = profile;
    }

    /** A new browser with its own empty profile in a temporary directory. */
    public static Browser start() {
        Path profile;
        try {
            profile = Files.createTempDirectory("watchpost-chromium-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Browser(chromium(profile, true, 1280, 900), profile);
    }

    /**
     * A driver over the given profile directory (the caller removes it).
     *
     * @param javascript false for a browser with JavaScript disabled
     * @param width      window width in CSS pixels (375 for a phone)
     */
    public static ChromeDriver chromium(Path profile, boolean javascript, int width, int height) {
        if (!Files.isExecutable(CHROMEDRIVER) || !Files.isExecutable(CHROMIUM)) {
            throw new AssertionError("browser tests need Chromium and its driver at " + CHROMIUM + " and " + CHROMEDRIVER
                    + ": apt-get install chromium chromium-driver");
        }
        ChromeOptions o = new ChromeOptions();
        o.setBinary(CHROMIUM.toFile());
        o.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--disable-extensions", "--mute-audio", "--hide-scrollbars",
                "--user-data-dir=" + profile.toAbsolutePath(), "--window-size=" + width + "," + height);
        if (!javascript) {
            o.addArguments("--blink-settings=scriptEnabled=false");
            o.setExperimentalOption("prefs", java.util.Map.of("profile.managed_default_content_settings.javascript", 2));
        }
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .withSilent(true)
                .build();
        ChromeDriver driver = new ChromeDriver(service, o);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(10));
        return driver;
    }

    public ChromeDriver driver() {
        return driver;
    }

    /** True when a JavaScript dialog (an injected {@code alert(1)}) is open. */
    public boolean alertOpen() {
        try {
            driver.switchTo().alert();
            return true;
        } catch (NoAlertPresentException e) {
            return false;
        }
    }

    /** Saves a screenshot as a test artifact: {@code target/screenshots/<name>.png}. */
    public Path screenshot(String name) {
        return screenshot(driver, name);
    }

    /** Saves a screenshot of {@code driver}'s window as {@code target/screenshots/<name>.png}. */
    public static Path screenshot(ChromeDriver driver, String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
            Path file = SCREENSHOTS.resolve(name + ".png");
            Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A screenshot of the whole page, not just the window (Chromium's DevTools capture beyond the viewport). */
    public static Path fullPage(ChromeDriver driver, String name) {
        Object h = driver.executeScript("return Math.ceil(document.documentElement.scrollHeight)");
        Object w = driver.executeScript("return Math.ceil(document.documentElement.clientWidth)");
        java.util.Map<String, Object> shot = driver.executeCdpCommand("Page.captureScreenshot", java.util.Map.of(
                "format", "png", "captureBeyondViewport", true,
                "clip", java.util.Map.of("x", 0, "y", 0, "width", ((Number) w).intValue(), "height",
                        Math.min(((Number) h).intValue(), 6_000), "scale", 1)));
        try {
            Files.createDirectories(SCREENSHOTS);
            Path file = SCREENSHOTS.resolve(name + ".png");
            Files.write(file, java.util.Base64.getDecoder().decode((String) shot.get("data")));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            try (var files = Files.walk(profile)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // a temporary profile; the OS cleans up what is left
            }
        }
    }
}
