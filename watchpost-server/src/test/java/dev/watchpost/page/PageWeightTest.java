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

    private static long size(Http http, String path) {
        HttpResponse<String> r = http.get(path);
        assertThat(r.statusCode()).as(path).isEqualTo(200);
        return r.body().getBytes(StandardCharsets.UTF_8).length;
    }
}
