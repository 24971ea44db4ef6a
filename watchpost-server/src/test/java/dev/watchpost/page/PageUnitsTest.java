package dev.watchpost.page;

import dev.watchpost.web.Html;
import dev.watchpost.web.Times;
import dev.watchpost.history.DayBar;
import dev.watchpost.live.State;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.OptionalDouble;

import static org.assertj.core.api.Assertions.assertThat;

/** The pure parts: escaping, guild ids, formatting, day cells, badges. */
class PageUnitsTest {

    @Test
    void guildIdsAreCheckedAndPlacedWithout64BitLoss() {
        GuildQuery q = GuildQuery.parse(" 1234567890123456789 ");
        assertThat(q.valid()).isTrue();
        assertThat(q.shard(360)).isEqualTo(new BigInteger("1234567890123456789").shiftRight(22).mod(BigInteger.valueOf(360)).intValue());
        // The largest id is unsigned: as a signed long it would be -1 and place wrongly.
        assertThat(GuildQuery.parse("18446744073709551615").shard(1000))
                .isEqualTo(new BigInteger("18446744073709551615").shiftRight(22).mod(BigInteger.valueOf(1000)).intValue());
        assertThat(GuildQuery.parse("18446744073709551616").error()).contains("larger than any Discord id");
        assertThat(GuildQuery.parse("000000000000000000001").error()).contains("larger than any Discord id");
        assertThat(GuildQuery.parse("-5").error()).isEqualTo("A guild id has digits only (0-9).");
        assertThat(GuildQuery.parse("1e5").error()).isEqualTo("A guild id has digits only (0-9).");
        assertThat(GuildQuery.parse("").error()).startsWith("Enter a guild id");
        assertThat(GuildQuery.parse("0").error()).isEqualTo("A guild id is at least 1.");
    }

    @Test
    void uptimeIsNeverRoundedUpToAPerfectScore() {
        assertThat(Format.percent(OptionalDouble.of(1.0))).isEqualTo("100%");
        assertThat(Format.percent(OptionalDouble.of(0.999999))).isEqualTo("99.99%");
        assertThat(Format.percent(OptionalDouble.of(0.98765))).isEqualTo("98.76%");
        assertThat(Format.percent(OptionalDouble.empty())).isEqualTo("—");
        assertThat(Format.duration(Duration.ofSeconds(3_725))).isEqualTo("1 h 2 min");
    }

    static DayBar day(LocalDate d, OptionalDouble up, int incidents) {
        List<DayBar.Incident> list = incidents == 0 ? List.of()
                : List.of(new DayBar.Incident(Instant.parse(d + "T14:03:00Z"), State.DOWN, "status 503"));
        return new DayBar(d, up, Duration.ofSeconds(up.isPresent() ? Math.round((1 - up.getAsDouble()) * 86_400) : 0),
                10, 0, OptionalDouble.empty(), OptionalDouble.empty(), incidents, list);
    }

    @Test
    void dayCellsAreDaysOfThePagesZoneAndIncidentsReadItsClock() {
        // 20:00 UTC is already the 24th in Tokyo: today is the 24th there, and 14:03 UTC reads 23:03 JST.
        Instant now = Instant.parse("2026-11-23T20:00:00Z");
        Times tokyo = new Times(java.time.ZoneId.of("Asia/Tokyo"));
        LocalDate today = LocalDate.parse("2026-11-24");
        List<DayBar> days = new java.util.ArrayList<>();
        for (int i = 1; i >= 0; i--) {
            days.add(day(today.minusDays(i), OptionalDouble.of(i == 1 ? 0.9 : 1.0), i == 1 ? 1 : 0));
        }
        Html h = new Html(4_096);
        StatusView.bars(h, days, now, tokyo);
        assertThat(h.toString())
                .contains("<title>" + today.minusDays(89) + " – " + today.minusDays(2) + ": no data</title>")
                .contains("<title>2026-11-23: 90.00% up, 2 h 24 min down, 1 incident: down at 23:03 JST (status 503)</title>")
                .contains("<title>2026-11-24: 100% up</title>");
        assertThat(StatusView.dayTooltip(days.get(0), Times.UTC)).contains("down at 14:03 UTC");
    }

    @Test
    void alikeDaysMergeButNotableDaysStandAlone() {
        Instant now = Instant.parse("2026-11-23T12:00:00Z");
        LocalDate today = LocalDate.parse("2026-11-23");
        List<DayBar> days = new java.util.ArrayList<>();
        for (int i = 89; i >= 0; i--) {
            LocalDate d = today.minusDays(i);
            days.add(i == 10 ? day(d, OptionalDouble.of(0.9), 1) : i > 50 ? day(d, OptionalDouble.empty(), 0)
                    : day(d, OptionalDouble.of(1.0), 0));
        }
        Html h = new Html(4_096);
        StatusView.bars(h, days, now, Times.UTC);
        String svg = h.toString();
        assertThat(svg).contains("<rect x=\"0\" width=\"39\" height=\"10\" class=\"d-none\">");
        assertThat(svg).contains("<rect x=\"39\" width=\"40\" height=\"10\" class=\"d-ok\"><title>2026-10-04 – 2026-11-12: 100% up, no incidents");
        assertThat(svg).contains("<rect x=\"79\" width=\"1\" height=\"10\" class=\"d-major\"><title>2026-11-13: 90.00% up, 2 h 24 min down, 1 incident: down at 14:03 UTC (status 503)");
        assertThat(svg).contains("<rect x=\"80\" width=\"10\" height=\"10\" class=\"d-ok\">");
        assertThat(svg).contains("aria-label=\"Last 90 days: 99.80% uptime, 1 incident\"");
    }

    @Test
    void badgesEscapeAndColour() {
        Badge b = Badge.status("<x>&", State.UNHEALTHY);
        assertThat(b.svg()).contains("&lt;x&gt;&amp;").doesNotContain("<x>");
        assertThat(b.color()).isEqualTo("red");
        assertThat(Badge.uptime("u", OptionalDouble.of(0.9995)).color()).isEqualTo("brightgreen");
        assertThat(Badge.uptime("u", OptionalDouble.of(0.96)).color()).isEqualTo("yellow");
        assertThat(Badge.uptime("u", OptionalDouble.empty()).message()).isEqualTo("no data");
        assertThat(Badge.width("mmm")).isGreaterThan(Badge.width("iii"));
    }
}
