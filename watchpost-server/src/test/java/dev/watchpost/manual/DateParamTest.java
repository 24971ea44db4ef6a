package dev.watchpost.manual;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DateParamTest {

    private static final Instant AT = Instant.parse("2010-06-28T22:17:06Z");

    @Test
    void acceptsRfc1123IsoAndEpochSeconds() {
        assertThat(DateParam.parse("start", "Mon, 28 Jun 2010 22:17:06 GMT", false)).isEqualTo(AT);
        assertThat(DateParam.parse("start", "Mon, 28 Jun 2010 23:17:06 +0100", false)).isEqualTo(AT);
        assertThat(DateParam.parse("start", "2010-06-28T22:17:06Z", false)).isEqualTo(AT);
        assertThat(DateParam.parse("start", "2010-06-29T00:17:06+02:00", false)).isEqualTo(AT);
        assertThat(DateParam.parse("start", "2010-06-28T22:17:06", false)).as("no offset: UTC").isEqualTo(AT);
        assertThat(DateParam.parse("start", "1277763426", false)).isEqualTo(AT);
        assertThat(DateParam.parse("start", "1277763426.5", false)).isEqualTo(AT.plusMillis(500));
    }

    @Test
    void aBareDateIsTheWholeDay() {
        assertThat(DateParam.parse("start", "2010-06-28", false)).isEqualTo(Instant.parse("2010-06-28T00:00:00Z"));
        assertThat(DateParam.parse("end", "2010-06-28", true)).isEqualTo(Instant.parse("2010-06-28T23:59:59.999Z"));
    }

    @Test
    void garbageIsRefusedNamingTheParameterAndTheFormats() {
        for (String bad : new String[] {"yesterday", "", "2010-13-01", "Mon, 32 Jun 2010 22:17:06 GMT", "12:00"}) {
            assertThatThrownBy(() -> DateParam.parse("end", bad, true)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("end: '" + bad + "' is not a date; use RFC 1123 (Mon, 28 Jun 2010 22:17:06 GMT), "
                            + "ISO-8601 (2010-06-28T22:17:06Z or 2010-06-28) or epoch seconds");
        }
    }
}
