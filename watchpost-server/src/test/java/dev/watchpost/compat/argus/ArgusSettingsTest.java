package dev.watchpost.compat.argus;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ArgusSettingsTest {

    private static final ArgusSettings.RateLimit LIMIT = new ArgusSettings.RateLimit(1, 1);

    private static ArgusSettings with(Duration interval, int ttl, String ns, int history, String prefix) {
        return new ArgusSettings(interval, ttl, ns, history, LIMIT, LIMIT, prefix);
    }

    @Test
    void defaultsAreArgusOwn() {
        ArgusSettings d = ArgusSettings.defaults();
        assertThat(d.interval()).isEqualTo(Duration.ofSeconds(15));
        assertThat(d.ttlFactor()).isEqualTo(3);
        assertThat(d.namespace()).isEqualTo("discord");
        assertThat(d.historyPoints()).isEqualTo(240);
        assertThat(d.groupPrefix()).isEqualTo("fleet");
        assertThat(d.lease().timeout()).isEqualTo(Duration.ofSeconds(45));
        assertThat(d.prometheusUrl()).isEmpty();
    }

    @Test
    void prometheusUrlIsOptionalAndMustBeHttp() {
        ArgusSettings d = ArgusSettings.defaults();
        assertThat(d.withPrometheus(URI.create("http://prometheus:9090")).prometheusUrl())
                .contains(URI.create("http://prometheus:9090"));
        assertThat(d.withPrometheus(URI.create("http://prometheus:9090")).namespace()).isEqualTo(d.namespace());
        assertThatThrownBy(() -> d.withPrometheus(URI.create("ftp://prometheus"))).hasMessageContaining("prometheus url");
        assertThatThrownBy(() -> d.withPrometheus(URI.create("http://prometheus:9090/?x=1")))
                .hasMessageContaining("prometheus url");
    }

    @Test
    void rejectsWhatCannotWorkNamingTheSetting() {
        Duration i = Duration.ofSeconds(15);
        assertThatThrownBy(() -> with(Duration.ZERO, 3, "discord", 1, "fleet")).hasMessageContaining("interval");
        assertThatThrownBy(() -> with(Duration.ofDays(2), 3, "discord", 1, "fleet")).hasMessageContaining("interval");
        assertThatThrownBy(() -> with(i, 0, "discord", 1, "fleet")).hasMessageContaining("ttl factor");
        assertThatThrownBy(() -> with(i, 3, "disc-ord", 1, "fleet")).hasMessageContaining("namespace");
        assertThatThrownBy(() -> with(i, 3, "discord", -1, "fleet")).hasMessageContaining("history");
        assertThatThrownBy(() -> with(i, 3, "discord", 1, "Fleet")).hasMessageContaining("group prefix");
        assertThatThrownBy(() -> with(i, 3, "discord", 1, "a/b/c/d/e/f/g")).hasMessageContaining("group prefix");
        assertThatThrownBy(() -> new ArgusSettings.RateLimit(0, 1)).hasMessageContaining("per second");
        assertThatThrownBy(() -> new ArgusSettings.RateLimit(1, 0)).hasMessageContaining("burst");
        assertThat(with(i, 3, "discord", 0, "ops/argus").groupPrefix()).isEqualTo("ops/argus");
    }
}
