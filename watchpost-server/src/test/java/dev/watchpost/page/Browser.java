package dev.watchpost.page;

import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Headless Chromium for the page's browser tests: Debian's {@code chromium} driven through
 * {@code /usr/bin/chromedriver}, both given by path so Selenium never looks for or downloads a
 * browser or driver. Missing ones fail the test with what to install (they are a test requirement,
 * installed by {@code .ci/run}; skipping would hide that the pages went untested).
 */
final class Browser {

    static final Path CHROMEDRIVER = Path.of(System.getenv().getOrDefault("WATCHPOST_CHROMEDRIVER", "/usr/bin/chromedriver"));
    static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("WATCHPOST_CHROMIUM", "/usr/bin/chromium"));
    static final Path SCREENSHOTS = Path.of("target", "screenshots");

    private Browser() {
    }

    /**
     * @param javascript false for a browser with JavaScript disabled
     * @param width      window width in CSS pixels (375 for a phone)
     */
    static ChromeDriver start(Path profile, boolean javascript, int width, int height) {
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
            o.setExperimentalOption("prefs", Map.of("profile.managed_default_content_settings.javascript", 2));
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

    /** Saves a screenshot as a test artifact: {@code target/screenshots/<name>.png}. */
    static Path screenshot(ChromeDriver driver, String name) {
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
    static Path fullPage(ChromeDriver driver, String name) {
        Object h = driver.executeScript("return Math.ceil(document.documentElement.scrollHeight)");
        Object w = driver.executeScript("return Math.ceil(document.documentElement.clientWidth)");
        Map<String, Object> shot = driver.executeCdpCommand("Page.captureScreenshot", Map.of(
                "format", "png", "captureBeyondViewport", true,
                "clip", Map.of("x", 0, "y", 0, "width", ((Number) w).intValue(), "height",
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
}
