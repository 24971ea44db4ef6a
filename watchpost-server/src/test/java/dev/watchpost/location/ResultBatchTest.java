package dev.watchpost.location;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.watchpost.probe.Outcome;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Reading a prober's batch: pure, with the server's time given. */
class ResultBatchTest {

    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    private static final ObjectMapper JSON = new ObjectMapper();

    private static ResultBatch read(String json) throws Exception {
        return ResultBatch.read(JSON.readTree(json), NOW);
    }

    private static String item(String checkedAt) {
        return "{\"target\":\"web/shop\",\"checked_at\":\"" + checkedAt + "\",\"outcome\":\"degraded\",\"latency_ms\":812.5,"
                + "\"reason\":\"slower than 500 ms\",\"status_code\":200,\"stats\":{\"cpu\":12.5}}";
    }

    @Test
    void aResultIsReadWithEverythingItCarries() throws Exception {
        ResultBatch b = read("{\"location\":\"eu\",\"results\":[" + item("2026-03-01T13:59:58+02:00") + "]}");
        assertThat(b.location()).isEqualTo("eu");
        assertThat(b.refused()).isEmpty();
        ResultBatch.Result r = b.results().get(0);
        assertThat(r.target()).isEqualTo("web/shop");
        assertThat(r.at()).isEqualTo(NOW.minusSeconds(2));
        assertThat(r.result().outcome()).isEqualTo(Outcome.DEGRADED);
        assertThat(r.result().latencyMs()).isEqualTo(812.5);
        assertThat(r.result().statusCode()).hasValue(200);
        assertThat(r.result().stats()).containsEntry("cpu", 12.5);
    }

    @Test
    void clocksWithinTwoSecondsAreLeftAloneFurtherApartTheBatchMovesOntoTheServersClock() throws Exception {
        ResultBatch close = read("{\"location\":\"eu\",\"sent_at\":\"2026-03-01T12:00:01.500Z\",\"results\":["
                + item("2026-03-01T11:59:50Z") + "]}");
        assertThat(close.offset()).isZero();
        assertThat(close.results().get(0).at()).isEqualTo(Instant.parse("2026-03-01T11:59:50Z"));

        ResultBatch ahead = read("{\"location\":\"eu\",\"sent_at\":\"2026-03-01T12:05:00Z\",\"results\":["
                + item("2026-03-01T12:04:50Z") + "]}");
        assertThat(ahead.offset()).isEqualTo(Duration.ofMinutes(-5));
        assertThat(ahead.results().get(0).at()).isEqualTo(Instant.parse("2026-03-01T11:59:50Z"));
    }

    @Test
    void resultsAreTakenOldestFirstAndTheFutureAndTheDistantPastAreRefused() throws Exception {
        ResultBatch b = read("{\"location\":\"eu\",\"results\":[" + item("2026-03-01T11:59:00Z") + ","
                + item("2026-03-01T11:50:00Z") + "," + item("2026-03-01T12:00:04Z") + "," + item("2026-03-01T12:00:06Z")
                + "," + item("2026-01-01T00:00:00Z") + "]}");
        assertThat(b.results()).extracting(ResultBatch.Result::index).containsExactly(1, 0, 2);
        assertThat(b.refused()).extracting(ResultBatch.Refusal::error).containsExactly(
                "results[3].checked_at: 6 s ahead of the server's clock; send sent_at so the server can correct the "
                        + "prober's clock; not counted",
                "results[4].checked_at: more than 30 days ago; not counted");
        assertThat(b.refused().get(0).target()).contains("web/shop");
    }

    @Test
    void aBatchThatIsWrongAsAWholeIsRefusedWhole() {
        assertThatThrownBy(() -> read("{\"location\":\"all\",\"results\":[]}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("body.location: 'all' is not a location name (lower-case letters, digits and '-', at most 32; "
                        + "not 'all')");
        StringBuilder many = new StringBuilder("{\"location\":\"eu\",\"results\":[");
        for (int i = 0; i <= ResultBatch.MAX_RESULTS; i++) {
            many.append(i == 0 ? "" : ",").append("{}");
        }
        assertThatThrownBy(() -> read(many + "]}")).isInstanceOf(ResultBatch.TooLarge.class);
    }

    @Test
    void aBatchIdIsOptionalAndWhenGivenAShortWordOfSafeCharacters() throws Exception {
        assertThat(read("{\"location\":\"eu\",\"results\":[]}").id()).isEmpty();
        assertThat(read("{\"location\":\"eu\",\"batch_id\":null,\"results\":[]}").id()).isEmpty();
        assertThat(read("{\"location\":\"eu\",\"batch_id\":\"3f2a9c0e-5b7d-41e8-a6c2-f0b9d8e7a1c4\",\"results\":[]}").id())
                .hasValue("3f2a9c0e-5b7d-41e8-a6c2-f0b9d8e7a1c4");
        for (String bad : new String[] {"\"\"", "\"1234567\"", "\"" + "a".repeat(65) + "\"", "\"abc/defgh\"", "12345678",
                "[\"abcdefgh\"]"}) {
            assertThatThrownBy(() -> read("{\"location\":\"eu\",\"batch_id\":" + bad + ",\"results\":[]}"))
                    .as(bad).isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("body.batch_id: expected 8 to 64");
        }
    }

    @Test
    void statsAreNumbersAndFew() throws Exception {
        JsonNode body = JSON.readTree("{\"location\":\"eu\",\"results\":[{\"target\":\"a\",\"checked_at\":\"" + NOW
                + "\",\"outcome\":\"up\",\"reason\":\"ok\",\"stats\":{\"cpu\":\"high\"}}]}");
        assertThat(ResultBatch.read(body, NOW).refused()).extracting(ResultBatch.Refusal::error)
                .containsExactly("results[0].stats.cpu: expected a number");
    }
}
