package dev.watchpost.web;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RedactionTest {

    @Test
    void aLoggedPingPathHidesItsKey() {
        assertThat(Redaction.path("/ping/k3y-secret/fail")).isEqualTo("/ping/***/fail");
        assertThat(Redaction.path("/ping/k3y-secret")).isEqualTo("/ping/***");
        assertThat(Redaction.path("/api/v1/targets/web/api")).isEqualTo("/api/v1/targets/web/api");
    }
}
