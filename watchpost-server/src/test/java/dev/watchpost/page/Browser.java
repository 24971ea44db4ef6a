package dev.watchpost.page;

import org.openqa.selenium.chrome.ChromeDriver;

import java.nio.file.Path;

/** The status page's browser helpers over {@link dev.watchpost.testing.Browser}. */
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

    /** A screenshot of the whole page, not just the window. */
    static Path fullPage(ChromeDriver driver, String name) {
        return dev.watchpost.testing.Browser.fullPage(driver, name);
    }
}
