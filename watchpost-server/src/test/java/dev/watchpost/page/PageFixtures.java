package dev.watchpost.page;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** What the page tests monitor, and the payloads that must render as text. */
final class PageFixtures {

    static final String SCRIPT = "<script>alert(1)</script>";
    static final String IMG = "\"><img src=x onerror=alert(1)>";

    private PageFixtures() {
    }

    /**
     * Writes a config: a sharded group {@code bots/main} of {@code shards}, a group {@code web} with
     * an HTTP target (probing a closed port: down) and a manual target named {@link #SCRIPT}, and an
     * ungrouped push target.
     */
    static Path config(Path dir, int shards) {
        Path config = dir.resolve("watchpost.yml");
        try {
            Files.writeString(config, """
                    groups:
                      - id: bots
                        name: Discord bots
                        groups:
                          - id: main
                            name: Main bot
                            shards: %d
                            lease: 30s
                      - id: web
                        name: Web
                    targets:
                      - id: web/api
                        name: Public API
                        http: { url: "http://127.0.0.1:9/health", every: 1h }
                      - id: web/status
                        name: '%s'
                        manual: {}
                      - id: workers/mailer
                        name: Mailer
                        push: { every: 1h }
                    """.formatted(shards, SCRIPT));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return config;
    }

    /** A member's metrics snapshot as Argus members send it: two shards, traffic counters, a duration histogram. */
    static String argusSnapshot(double latency0, double latency1, double commands, double errors) {
        return String.format(Locale.ROOT, """
                {"metrics": {
                  "discord_shard_latency_seconds": {"type": "gauge", "samples": [
                    {"name": "discord_shard_latency_seconds", "labels": {"shard": "0"}, "value": %s},
                    {"name": "discord_shard_latency_seconds", "labels": {"shard": "1"}, "value": %s}]},
                  "discord_shard_up": {"type": "gauge", "samples": [
                    {"name": "discord_shard_up", "labels": {"shard": "0"}, "value": 1},
                    {"name": "discord_shard_up", "labels": {"shard": "1"}, "value": 1}]},
                  "discord_guilds": {"type": "gauge", "samples": [{"name": "discord_guilds", "labels": {}, "value": 1500}]},
                  "discord_app_commands_total": {"type": "counter", "samples": [
                    {"name": "discord_app_commands_total", "labels": {}, "value": %s}]},
                  "discord_command_errors_total": {"type": "counter", "samples": [
                    {"name": "discord_command_errors_total", "labels": {}, "value": %s}]}
                }}""", latency0, latency1, commands, errors);
    }
}
