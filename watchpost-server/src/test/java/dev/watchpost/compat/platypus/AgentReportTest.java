package dev.watchpost.compat.platypus;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The Go agent's message, read without a server. */
class AgentReportTest {

    @Test
    void readsWhatTheGoAgentSendsAndNeverPrintsTheSecret() {
        AgentReport r = AgentReport.parse(PlatypusCompatTest.goAgent("web-1", 6, 38, 8, "s3cret-s3cret-s3cret"));
        assertThat(r.hostname()).isEqualTo("web-1");
        assertThat(r.message()).isEqualTo("cpu 6 %, memory 38 %, disk 8 %");
        assertThat(r.metrics().toString()).isEqualTo("{\"cpu\":6.0,\"memory\":38.0,\"disk\":8.0}");
        assertThat(r.authentic("s3cret-s3cret-s3cret".getBytes(StandardCharsets.UTF_8))).isTrue();
        assertThat(r.authentic("s3cret-s3cret-s3creT".getBytes(StandardCharsets.UTF_8))).isFalse();
        assertThat(r.authentic("s3cret".getBytes(StandardCharsets.UTF_8))).isFalse();
        assertThat(r.toString()).doesNotContain("s3cret");
        assertThat(AgentReport.parse("{\"hostname\":\"a\",\"cpu\":12.5}").message())
                .as("a missing figure reads 0, as the Go server reads it").isEqualTo("cpu 12.5 %, memory 0 %, disk 0 %");
    }

    @Test
    void refusesWhatIsNotAnAgentsMessageSayingWhy() {
        assertThatThrownBy(() -> AgentReport.parse("[1]")).hasMessage("message is not a JSON object");
        assertThatThrownBy(() -> AgentReport.parse("{\"hostname\":\" \"}")).hasMessage("'hostname' is missing");
        assertThatThrownBy(() -> AgentReport.parse("{\"hostname\":\"a\",\"cpu\":\"high\"}")).hasMessage("'cpu' is not a number");
        assertThatThrownBy(() -> AgentReport.parse("{\"hostname\":\"" + "a".repeat(254) + "\"}"))
                .hasMessage("'hostname' is longer than 253 characters");
    }

    @Test
    void aHostnameBecomesATargetIdInTheGroup() {
        assertThat(AgentReport.targetId("servers", "Web-1.example.com")).contains("servers/web-1.example.com");
        assertThat(AgentReport.targetId("infra/hosts", "my host_2")).contains("infra/hosts/my-host_2");
        assertThat(AgentReport.targetId("servers", "-edge")).contains("servers/edge");
        assertThat(AgentReport.targetId("servers", "x".repeat(100))).contains("servers/" + "x".repeat(64));
        assertThat(AgentReport.targetId("servers", "ÄÖ")).isEqualTo(Optional.empty());
    }
}
