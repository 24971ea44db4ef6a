package dev.watchpost.observe;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.watchpost.live.State;
import dev.watchpost.live.TargetKind;
import dev.watchpost.live.TargetView;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/** The exposition text itself: escaping, numbers, families without samples. */
class TargetMetricsTextTest {

    private static TargetView view(String id, String group, TargetKind kind, State state, double latencyMs) {
        return new TargetView(id, id, kind, group, -1, state, 1_796_378_400_500L, -1, Long.MAX_VALUE, "", latencyMs,
                null, null);
    }

    private static String text(List<TargetView> views, TargetMetrics.ProbeDurations durations) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Consumer<Consumer<TargetView>> source = views::forEach;
        TargetMetrics.write(source, v -> true, durations, out);
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void labelValuesEscapeBackslashQuoteAndLineFeedAndKeepUtf8() throws Exception {
        // Declared ids cannot hold these characters today; the writer does not rely on that.
        String t = text(List.of(view("a\"b\\c\nd/é€😀", null, TargetKind.PUSH, State.ONLINE, Double.NaN)),
                TargetMetrics.ProbeDurations.NONE);
        assertThat(t).contains("watchpost_target_up{id=\"a\\\"b\\\\c\\nd/é€😀\",group=\"\",kind=\"push\"} 1\n");
    }

    @Test
    void numbersAreWholeWhenWholeAndAbsentWhenUnknown() throws Exception {
        var tls = new TargetView("web/cert", "Cert", TargetKind.TLS, "web", -1, State.DOWN, 0, -1, Long.MAX_VALUE, "", 18.3,
                JsonNodeFactory.instance.objectNode().put(TargetMetrics.TLS_DAYS_LEFT, -2.5), null);
        String t = text(List.of(tls, view("jobs/a", "jobs", TargetKind.PUSH, State.UNKNOWN, Double.NaN)),
                id -> id.equals("web/cert") ? 0.25 : Double.NaN);
        assertThat(t).contains("watchpost_target_state{id=\"web/cert\",group=\"web\",kind=\"tls\"} 8\n",
                "watchpost_target_up{id=\"web/cert\",group=\"web\",kind=\"tls\"} 0\n",
                "watchpost_target_tls_days_left{id=\"web/cert\",group=\"web\",kind=\"tls\"} -2.5\n",
                "watchpost_target_latency_seconds{id=\"web/cert\",group=\"web\",kind=\"tls\"} 0.0183\n",
                "watchpost_target_probe_duration_seconds{id=\"web/cert\",group=\"web\",kind=\"tls\"} 0.25\n",
                "watchpost_target_state{id=\"jobs/a\",group=\"jobs\",kind=\"push\"} 0\n",
                "watchpost_target_state_since_seconds{id=\"jobs/a\",group=\"jobs\",kind=\"push\"} 1796378400.5\n");
        var later = new TargetView("jobs/b", "B", TargetKind.PUSH, "jobs", -1, State.ONLINE, 1_796_378_400_047L, -1,
                Long.MAX_VALUE, "", Double.NaN, null, null);
        assertThat(text(List.of(later), TargetMetrics.ProbeDurations.NONE))
                .contains("watchpost_target_state_since_seconds{id=\"jobs/b\",group=\"jobs\",kind=\"push\"} 1796378400.047\n");
        assertThat(t).doesNotContain("watchpost_target_latency_seconds{id=\"jobs/a\"")
                .doesNotContain("watchpost_target_state_since_seconds{id=\"web/cert\"");
    }

    @Test
    void anEmptySelectionStillDescribesEveryFamily() throws Exception {
        String t = text(List.of(), TargetMetrics.ProbeDurations.NONE);
        assertThat(t.lines().filter(l -> l.startsWith("# HELP ")).count()).isEqualTo(6);
        assertThat(t.lines().filter(l -> l.startsWith("# TYPE ") && l.endsWith(" gauge")).count()).isEqualTo(6);
        assertThat(t.lines().filter(l -> !l.startsWith("#"))).isEmpty();
    }
}
