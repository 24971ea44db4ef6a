package dev.watchpost.bench;

import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Loads the status page in headless Chromium {@code runs} times (a fresh tab, cache disabled each
 * time) and reports first paint, first contentful paint, DOM content loaded, the load event and
 * {@code window.__rendered} (the page module set up and its next frame painted), in ms since
 * navigation start: min / median / max. One unmeasured load first warms the server's page cache
 * and the JIT, as a page that is being watched is warm.
 *
 * <p>Usage: {@code PageBench <base-url> <runs>}
 */
public final class PageBench {

    public static void main(String[] args) throws Exception {
        String url = args[0];
        int runs = Integer.parseInt(args[1]);
        Path profile = Files.createTempDirectory("pagebench");
        ChromeOptions o = new ChromeOptions();
        o.setBinary(new File(System.getenv().getOrDefault("WATCHPOST_CHROMIUM", "/usr/bin/chromium")));
        o.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--disable-extensions", "--user-data-dir=" + profile, "--window-size=1280,1000");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(System.getenv().getOrDefault("WATCHPOST_CHROMEDRIVER", "/usr/bin/chromedriver")))
                .usingAnyFreePort().withSilent(true).build();
        ChromeDriver driver = new ChromeDriver(service, o);
        try {
            driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
            driver.executeCdpCommand("Network.enable", Map.of());
            driver.executeCdpCommand("Network.setCacheDisabled", Map.of("cacheDisabled", true));
            measure(driver, url); // warm-up
            String[] names = {"first-paint", "first-contentful-paint", "domContentLoaded", "load", "__rendered", "DOM HTML KB", "elements"};
            List<List<Double>> values = new ArrayList<>();
            for (String ignored : names) {
                values.add(new ArrayList<>());
            }
            for (int i = 0; i < runs; i++) {
                double[] m = measure(driver, url);
                for (int k = 0; k < m.length; k++) {
                    values.get(k).add(m[k]);
                }
                System.out.printf(Locale.ROOT, "run %d: first paint %.0f ms, FCP %.0f ms, DOMContentLoaded %.0f ms, load %.0f ms, rendered %.0f ms%n",
                        i + 1, m[0], m[1], m[2], m[3], m[4]);
            }
            System.out.println("over " + runs + " runs (ms since navigation start; min / median / max):");
            for (int k = 0; k < names.length; k++) {
                List<Double> v = values.get(k);
                Collections.sort(v);
                System.out.printf(Locale.ROOT, "  %-24s %8.0f / %8.0f / %8.0f%n", names[k], v.get(0), v.get(v.size() / 2), v.get(v.size() - 1));
            }
        } finally {
            driver.quit();
        }
    }

    /** One load in a new tab; returns FP, FCP, DCL, load, __rendered (ms), the DOM as HTML (KB), element count. */
    private static double[] measure(ChromeDriver driver, String url) {
        String first = driver.getWindowHandle();
        driver.switchTo().newWindow(org.openqa.selenium.WindowType.TAB);
        driver.executeCdpCommand("Network.setCacheDisabled", Map.of("cacheDisabled", true));
        driver.get(url);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        Object rendered;
        while ((rendered = driver.executeScript("return window.__rendered")) == null) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the page never set window.__rendered");
            }
            Thread.onSpinWait();
        }
        @SuppressWarnings("unchecked")
        List<Object> r = (List<Object>) driver.executeScript("""
                const p = {};
                for (const e of performance.getEntriesByType('paint')) p[e.name] = e.startTime;
                const n = performance.getEntriesByType('navigation')[0];
                return [p['first-paint'], p['first-contentful-paint'], n.domContentLoadedEventEnd, n.loadEventEnd,
                        window.__rendered, document.documentElement.outerHTML.length / 1024, document.getElementsByTagName('*').length];
                """);
        double[] out = new double[r.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = r.get(i) == null ? Double.NaN : ((Number) r.get(i)).doubleValue();
        }
        driver.close();
        driver.switchTo().window(first);
        return out;
    }
}
