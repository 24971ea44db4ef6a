package dev.watchpost.compat.argus;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class GradeTest {

    @ParameterizedTest(name = "{0} = {1} → {2}")
    @CsvSource({
            "latency_seconds, 0.0, OK",
            "latency_seconds, 0.2999, OK",
            "latency_seconds, 0.3, WARN",
            "latency_seconds, 0.9999, WARN",
            "latency_seconds, 1.0, BAD",
            "latency_seconds, 12, BAD",
            "error_rate, 0.0099, OK",
            "error_rate, 0.01, WARN",
            "error_rate, 0.05, BAD",
            "duration_p95_seconds, 0.999, OK",
            "duration_p95_seconds, 1.0, WARN",
            "duration_p95_seconds, 3.0, BAD",
            "ratelimits_rate, 0.0999, OK",
            "ratelimits_rate, 0.1, WARN",
            "ratelimits_rate, 1.0, BAD",
    })
    void gradesFromEachThresholdUp(String metric, double value, Grade expected) {
        assertThat(Grade.grade(metric, value)).contains(expected);
    }

    @ParameterizedTest
    @CsvSource(nullValues = "null", value = {
            "guilds, 1000000",
            "shards_up, 0",
            "uptime_seconds, 5",
            "interactions_rate, 9999",
            "no_such_metric, 1",
            "null, 1",
            "latency_seconds, null",
            "latency_seconds, NaN",
    })
    void doesNotGradeUngradedMetricsOrUnknownValues(String metric, Double value) {
        assertThat(Grade.grade(metric, value)).isEmpty();
    }
}
