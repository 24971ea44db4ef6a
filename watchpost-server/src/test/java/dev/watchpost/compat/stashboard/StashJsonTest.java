package dev.watchpost.compat.stashboard;

import dev.watchpost.live.Severity;
import dev.watchpost.manual.DateParam;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

import static org.assertj.core.api.Assertions.assertThat;

class StashJsonTest {

    @Test
    void timestampsAreRfc1123InGmtWithTwoDigitDays() {
        assertThat(StashJson.timestamp(Instant.parse("2010-06-28T22:17:06Z"))).isEqualTo("Mon, 28 Jun 2010 22:17:06 GMT");
        assertThat(StashJson.timestamp(Instant.parse("2008-06-03T11:05:30.999Z"))).isEqualTo("Tue, 03 Jun 2008 11:05:30 GMT");
        // Why not RFC_1123_DATE_TIME for writing: it drops the day's leading zero.
        assertThat(DateTimeFormatter.RFC_1123_DATE_TIME.format(Instant.parse("2008-06-03T11:05:30Z").atOffset(ZoneOffset.UTC)))
                .isEqualTo("Tue, 3 Jun 2008 11:05:30 GMT");
    }

    @Test
    void whatIsWrittenReadsBack() {
        Instant at = Instant.parse("2008-06-03T11:05:30Z");
        assertThat(DateParam.parse("start", StashJson.timestamp(at), false)).isEqualTo(at);
    }

    @Test
    void levelsMapToSeveritiesAndBack() {
        assertThat(StashJson.parseLevel("NORMAL")).contains(Severity.OK);
        assertThat(StashJson.parseLevel("warning")).contains(Severity.WARN);
        assertThat(StashJson.parseLevel("ERROR")).contains(Severity.BAD);
        assertThat(StashJson.parseLevel("CRITICAL")).contains(Severity.BAD);
        assertThat(StashJson.parseLevel("SEVERE")).isEmpty();
        assertThat(StashJson.level(Severity.BAD)).isEqualTo("ERROR");
        assertThat(StashJson.level(Severity.MAINTENANCE)).isEqualTo("MAINTENANCE");
    }
}
