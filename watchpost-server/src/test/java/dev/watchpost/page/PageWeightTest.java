package dev.watchpost.page;

import dev.watchpost.testing.Http;
import dev.watchpost.testing.TestServer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The page's own weight, before any data: HTML shell, stylesheet and every module, uncompressed. */
@Tag("integration")
class PageWeightTest {

    static final int BUDGET = 150 * 1024;
    /** The HTML of the 5,000-shard page (the test fixture) before tiles became readable by keyboard and touch. */
    static final int BASELINE_5000 = 384_499;

    @TempDir
    Path dir;

    @Test
    void theEmptyPageWithItsCssAndJavaScriptWeighsLessThan150KB() {
        try (TestServer server = TestServer.start(dir, Clock.systemUTC(), Map.of())) {
            Http http = server.http();
            HttpResponse<String> page = http.get("/");
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).contains("No data yet", "Nothing is monitored yet");
            long total = page.body().getBytes(StandardCharsets.UTF_8).length;
            // The stylesheet and the entry module are linked; the entry module imports the others.
            Matcher linked = Pattern.compile("(?:href|src)=\"(/assets/[^\"]+)\"").matcher(page.body());
            int files = 0;
            while (linked.find()) {
                total += size(http, linked.group(1));
                files++;
            }
            assertThat(files).isEqualTo(2);
            String entry = http.get("/assets/page.js").body();
            Matcher imports = Pattern.compile("from '\\./([a-z]+\\.js)'").matcher(entry);
            while (imports.find()) {
                total += size(http, "/assets/" + imports.group(1));
                files++;
            }
            assertThat(files).isEqualTo(Assets.NAMES.size());
            System.out.printf("page weight before data: %d bytes in %d files%n", total, files + 1);
            assertThat(total).isLessThan(BUDGET);
        }
    }

    /**
     * A page of 5,000 shards: tiles stay one bare {@code <li>} each (no anchor, no per-tile script or
     * ids; keyboard, hover and touch are the module's work), so the page stays within a byte per
     * tile of what it weighed before tiles could be read by keyboard and touch.
     */
    @Test
    void aPageOf5000ShardsStaysSmall() {
        try (TestServer server = TestServer.start(dir, Clock.systemUTC(),
                Map.of("WATCHPOST_CONFIG", PageFixtures.config(dir, 5_000).toString()))) {
            HttpResponse<String> page = server.http().get("/");
            assertThat(page.statusCode()).isEqualTo(200);
            long bytes = page.body().getBytes(StandardCharsets.UTF_8).length;
            System.out.printf("page of 5,000 shards: %d bytes%n", bytes);
            assertThat(bytes).isLessThan(BASELINE_5000 + 5_000);
        }
    }

    private static long size(Http http, String path) {
        HttpResponse<String> r = http.get(path);
        assertThat(r.statusCode()).as(path).isEqualTo(200);
        return r.body().getBytes(StandardCharsets.UTF_8).length;
    }
}
