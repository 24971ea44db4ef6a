package dev.watchpost.targets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.watchpost.probe.ProbeLocations;
import dev.watchpost.probe.ProbePlan;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.OptionalInt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code locations} and {@code quorum} of probed targets, read as the config file and the API read them. */
class ProbeLocationsSpecTest {

    private static final YAMLMapper YAML = new YAMLMapper();

    private static JsonNode yaml(String text) {
        try {
            return YAML.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static TargetDecl target(String yaml) {
        return Specs.target(yaml(yaml), "targets[0] (web/api)", "config", g -> false);
    }

    private static ProbeLocations locations(String yaml) {
        return target(yaml).probe().map(ProbePlan::locations).orElseThrow();
    }

    @Test
    void withoutLocationsATargetIsCheckedHereAloneAsBefore() {
        ProbeLocations l = locations("{ id: web/api, http: { url: 'https://example.com', every: 30s } }");
        assertThat(l).isEqualTo(ProbeLocations.LOCAL_ONLY);
        assertThat(l.localOnly()).isTrue();
        assertThat(l.resolve(List.of("eu"))).containsExactly("local");
        assertThat(l.quorumOf(1)).isEqualTo(1);
    }

    @Test
    void namedLocationsKeepTheirOrderAndDefaultToAMajority() {
        ProbeLocations l = locations("{ id: web/api, http: { url: 'https://example.com', locations: [eu, us, asia] } }");
        assertThat(l.all()).isFalse();
        assertThat(l.named()).containsExactly("eu", "us", "asia");
        assertThat(l.quorum()).isEmpty();
        assertThat(l.quorumOf(3)).isEqualTo(2);
        assertThat(l.localOnly()).isFalse();

        l = locations("{ id: web/api, http: { url: 'https://example.com', locations: [local, eu, us, asia], quorum: 3 } }");
        assertThat(l.named()).as("the server's own checks are one of them").containsExactly("local", "eu", "us", "asia");
        assertThat(l.quorum()).hasValue(3);
        assertThat(l.quorumOf(4)).isEqualTo(3);
    }

    @Test
    void aTargetMayLeaveTheServersOwnChecksOut() {
        ProbeLocations l = locations("{ id: web/api, http: { url: 'https://example.com', locations: [eu, us] } }");
        assertThat(l.resolve(List.of("eu", "us", "asia"))).containsExactly("eu", "us");
    }

    @Test
    void allMeansEveryLocationKnownWhenDecidingLocalIncluded() {
        ProbeLocations l = locations("{ id: web/api, http: { url: 'https://example.com', locations: all, quorum: 2 } }");
        assertThat(l.all()).isTrue();
        assertThat(l.named()).isEmpty();
        assertThat(l.quorum()).hasValue(2);
        assertThat(l.resolve(List.of("us", "eu"))).containsExactly("local", "eu", "us");
        assertThat(locations("{ id: web/api, http: { url: 'https://example.com', locations: all } }").quorumOf(5))
                .isEqualTo(3);
    }

    @Test
    void everyProbeKindTakesThem() {
        for (String section : List.of("tcp: { host: db, port: 5432, locations: [eu, us], quorum: 1 }",
                "tls: { host: example.com, locations: [eu, us], quorum: 1 }",
                "stats: { url: 'http://10.0.0.5:9191/platy', locations: [eu, us], quorum: 1 }",
                "http: { url: 'https://example.com', locations: [eu, us], quorum: 1 }")) {
            ProbeLocations l = locations("{ id: web/api, " + section + " }");
            assertThat(l).as(section).isEqualTo(new ProbeLocations(false, List.of("eu", "us"), OptionalInt.of(1)));
        }
    }

    @Test
    void theDeclarationKeepsThemAsGiven() {
        TargetDecl t = target("{ id: web/api, http: { url: 'https://example.com', locations: [eu, us], quorum: 2 } }");
        assertThat(t.spec().get("http").get("locations").toString()).isEqualTo("[\"eu\",\"us\"]");
        assertThat(t.spec().get("http").get("quorum").asInt()).isEqualTo(2);
        // the same declaration read again (a stored target, a restart) gives the same plan
        TargetDecl again = Specs.target(t.spec(), "stored target", "api", g -> false);
        assertThat(again.probe()).isEqualTo(t.probe());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            locations: []                | targets[0] (web/api).http.locations: expected a list of location names, e.g. [eu, us, asia], or all
            locations: everywhere        | targets[0] (web/api).http.locations: expected a list of location names, e.g. [eu, us, asia], or all
            locations: { eu: 1 }         | targets[0] (web/api).http.locations: expected a list of location names, e.g. [eu, us, asia], or all
            locations: [eu, EU]          | targets[0] (web/api).http.locations: 'EU' is not a location name (lower-case letters, digits and '-', at most 32)
            locations: [eu, 'us east']   | targets[0] (web/api).http.locations: 'us east' is not a location name (lower-case letters, digits and '-', at most 32)
            locations: [eu, 7]           | targets[0] (web/api).http.locations: '7' is not a location name (lower-case letters, digits and '-', at most 32)
            locations: [a23456789012345678901234567890123] | targets[0] (web/api).http.locations: 'a23456789012345678901234567890123' is not a location name (lower-case letters, digits and '-', at most 32)
            locations: [eu, us, eu]      | targets[0] (web/api).http.locations: 'eu' is listed twice
            locations: [eu, all]         | targets[0] (web/api).http.locations: 'all' stands alone (locations: all), not in a list
            quorum: 2                    | targets[0] (web/api).http.quorum: needs 'locations' (without them the target is checked from this server alone)
            locations: [eu, us], quorum: 3 | targets[0] (web/api).http.quorum: 3 is more than the 2 locations listed
            locations: [eu], quorum: 2   | targets[0] (web/api).http.quorum: 2 is more than the 1 location listed
            locations: [eu, us], quorum: 0 | targets[0] (web/api).http.quorum: expected a whole number 1-64, got 0
            locations: all, quorum: 65   | targets[0] (web/api).http.quorum: expected a whole number 1-64, got 65
            locations: all, quorum: most | targets[0] (web/api).http.quorum: expected a whole number 1-64, got "most"
            """)
    void badValuesNameTheKeyInOneLine(String keys, String message) {
        assertThatThrownBy(() -> target("{ id: web/api, http: { url: 'https://example.com', " + keys + " } }"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(message);
    }

    @Test
    void onlyProbedTargetsHaveLocations() {
        assertThatThrownBy(() -> target("{ id: web/api, push: { every: 1m, locations: [eu] } }"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("targets[0] (web/api).push: unknown key 'locations'");
    }

    @Test
    void atMostSixtyFourLocations() {
        StringBuilder many = new StringBuilder("[");
        for (int i = 0; i < 65; i++) {
            many.append(i == 0 ? "" : ", ").append("l").append(i);
        }
        assertThatThrownBy(() -> target("{ id: web/api, http: { url: 'https://example.com', locations: " + many + "] } }"))
                .hasMessage("targets[0] (web/api).http.locations: at most 64 locations");
    }

    @Test
    void theValueRefusesWhatTheReaderRefuses() {
        assertThatThrownBy(() -> new ProbeLocations(false, List.of(), OptionalInt.empty())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ProbeLocations(true, List.of("eu"), OptionalInt.empty())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ProbeLocations(false, List.of("eu", "eu"), OptionalInt.empty())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ProbeLocations(false, List.of("all"), OptionalInt.empty())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ProbeLocations(false, List.of("eu"), OptionalInt.of(2))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ProbeLocations(true, List.of(), OptionalInt.of(0))).isInstanceOf(IllegalArgumentException.class);
    }
}
