package dev.watchpost.page;

import org.openqa.selenium.chrome.ChromeDriver;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** The status page's browser helpers over {@link dev.watchpost.testing.Browser}, plus full-page screenshots. */
final class Browser {

    static final Path SCREENSHOTS = dev.watchpost.testing.Browser.SCREENSHOTS;

    private Browser() {
    }

    static ChromeDriver start(Path profile, boolean javascript, int width, int height) {
        return dev.watchpost.testing.Browser.chromium(profile, javascript, width, height);
    }

    static Path screenshot(ChromeDriver driver, String name) {
        return dev.watchpost.testing.Browser.screenshot(driver, name);
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
