package dev.watchpost.reload;

import com.fasterxml.jackson.databind.JsonNode;
import dev.watchpost.testing.Http;
import dev.watchpost.testing.OkSite;
import dev.watchpost.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.watchpost.testing.Http.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The config file edited under a running server, while a bot reports to one of its targets without
 * pause: groups, targets, probes, channels, rules and digests are added, changed and removed in
 * place; the target that stays keeps its state, and no report is refused; an invalid file is
 * refused whole with its one-line error and the running configuration stays.
 */
@Tag("integration")
class ConfigReloadTest {

    @TempDir
    Path dir;

    private OkSite web;
    private TestServer server;
    private Http http;
    private Path file;
    private String base;

    @BeforeEach
    void start() throws Exception {
        web = OkSite.start();
        base = web.base();
        file = dir.resolve("watchpost.yml");
        write("""
                groups:
                  - { id: web, name: Websites }
                targets:
                  - { id: web/a, name: Site A, push: { every: 1h } }
                  - { id: web/b, name: Site B, push: { every: 1h } }
                  - { id: web/probe, name: Probe, http: { url: "%1$s/v1", every: 1s, timeout: 1s } }
                channels:
                  - { id: ops, webhook: { url: "%1$s/hook" } }
                rules:
                  - { id: web, targets: ["web/*"], notify: [ops] }
                """.formatted(base));
        server = TestServer.start(dir.resolve("data"), Clock.systemUTC(), Map.of("WATCHPOST_CONFIG", file.toString()));
        http = server.http();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        web.close();
    }

    @Test
    void eachKindIsAddedChangedAndRemovedInPlaceWhileABotReportsAndABadFileChangesNothing() throws Exception {
        // A bot reporting to web/a without pause, the whole time.
        AtomicBoolean reporting = new AtomicBoolean(true);
        AtomicInteger sent = new AtomicInteger();
        List<String> refused = new CopyOnWriteArrayList<>();
        Thread bot = Thread.ofVirtual().start(() -> {
            while (reporting.get()) {
                HttpResponse<String> r = http.postJson("/api/v1/heartbeat/web/a", "{\"state\":\"online\"}", TestServer.INGEST);
                sent.incrementAndGet();
                if (r.statusCode() / 100 != 2) {
                    refused.add(r.statusCode() + " " + r.body());
                }
                sleep(20);
            }
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> state("web/a").equals("online") && count("/v1") > 0);
        http.postJson("/api/v1/heartbeat/web/b", "{\"state\":\"online\"}", TestServer.INGEST);
        await().atMost(Duration.ofSeconds(5)).until(() -> state("web/b").equals("online"));

        // Added: a group, a target, a channel, a rule and a digest. Changed: a target's name, the
        // probe's URL, the rule's targets. Nothing removed yet.
        write("""
                groups:
                  - { id: web, name: Websites }
                  - { id: jobs, name: Jobs }
                targets:
                  - { id: web/a, name: Site A, push: { every: 1h } }
                  - { id: web/b, name: Shop, push: { every: 1h } }
                  - { id: web/probe, name: Probe, http: { url: "%1$s/v2", every: 1s, timeout: 1s } }
                  - { id: jobs/backup, name: Backup, push: { every: 1d } }
                channels:
                  - { id: ops, webhook: { url: "%1$s/hook" } }
                  - { id: night, webhook: { url: "%1$s/night" } }
                rules:
                  - { id: web, targets: ["web/*", "jobs/*"], notify: [ops] }
                  - { id: morning, digest: { cron: "0 8 * * *", notify: [night] } }
                """.formatted(base));
        JsonNode first = awaitApplied(1);
        assertThat(first.path("groups_added")).extracting(JsonNode::asText).containsExactly("jobs");
        assertThat(first.path("targets_added")).extracting(JsonNode::asText).containsExactly("jobs/backup");
        assertThat(first.path("targets_changed")).extracting(JsonNode::asText).containsExactlyInAnyOrder("web/b", "web/probe");
        assertThat(first.path("alerts_added")).extracting(JsonNode::asText)
                .containsExactlyInAnyOrder("channel:night", "rule:morning");
        assertThat(first.path("alerts_changed")).extracting(JsonNode::asText).containsExactly("rule:web");
        assertThat(target("jobs/backup").path("state").asText()).isEqualTo("unknown");
        assertThat(target("web/b").path("name").asText()).isEqualTo("Shop");
        assertThat(state("web/b")).as("a changed target keeps its state").isEqualTo("online");
        int v1 = count("/v1");
        await().atMost(Duration.ofSeconds(10)).until(() -> count("/v2") >= 2);
        Thread.sleep(1_500);
        assertThat(count("/v1")).as("the probe's old URL is no longer checked").isLessThanOrEqualTo(v1 + 1);
        assertThat(ids(http.get("/api/v1/channels", TestServer.ADMIN), "channels")).containsExactlyInAnyOrder("ops", "night");
        assertThat(ids(http.get("/api/v1/rules", TestServer.ADMIN), "rules")).containsExactlyInAnyOrder("web", "morning");
        // declared in the file: still not the API's to change
        assertThat(http.postJson("/api/v1/targets", "{\"id\":\"jobs/backup\",\"push\":{\"every\":\"1h\"}}", TestServer.ADMIN)
                .statusCode()).isEqualTo(409);

        // A file that cannot be read is refused whole, with its one-line error; nothing changes.
        String good = Files.readString(file);
        write(good.replace("name: Jobs }", "name: Jobs }\n  - { id: jobs/nightly, name: Nightly, colour: red }")
                .replace("- { id: jobs/backup, name: Backup, push: { every: 1d } }", "- { id: jobs/backup, push: { every: -1d } }"));
        await().atMost(Duration.ofSeconds(10)).until(() -> !json(http.get("/api/v1/config/status", TestServer.ADMIN))
                .path("ok").asBoolean(true));
        JsonNode status = json(http.get("/api/v1/config/status", TestServer.ADMIN));
        assertThat(status.path("error").asText()).contains("groups[2]").contains("colour");
        assertThat(status.path("file").asText()).isEqualTo(file.toString());
        assertThat(target("jobs/backup").path("name").asText()).as("the running configuration stays").isEqualTo("Backup");
        assertThat(ids(http.get("/api/v1/rules", TestServer.ADMIN), "rules")).containsExactlyInAnyOrder("web", "morning");
        HttpResponse<String> asked = http.postJson("/api/v1/config/reload", "", TestServer.ADMIN);
        assertThat(asked.statusCode()).as(asked.body()).isEqualTo(422);
        assertThat(json(asked).path("error").asText()).contains("groups[2]").contains("colour");

        // Removed: the group and its target, the channel and the digest; the first rule changed back.
        write("""
                groups:
                  - { id: web, name: Websites }
                targets:
                  - { id: web/a, name: Site A, push: { every: 1h } }
                  - { id: web/b, name: Shop, push: { every: 1h } }
                  - { id: web/probe, name: Probe, http: { url: "%1$s/v2", every: 1s, timeout: 1s } }
                channels:
                  - { id: ops, webhook: { url: "%1$s/hook" } }
                rules:
                  - { id: web, targets: ["web/*"], notify: [ops] }
                """.formatted(base));
        JsonNode second = awaitApplied(2);
        assertThat(second.path("targets_removed")).extracting(JsonNode::asText).containsExactly("jobs/backup");
        assertThat(second.path("groups_removed")).extracting(JsonNode::asText).containsExactly("jobs");
        assertThat(second.path("alerts_removed")).extracting(JsonNode::asText)
                .containsExactlyInAnyOrder("channel:night", "rule:morning");
        assertThat(http.get("/api/v1/targets/jobs/backup").statusCode()).isEqualTo(404);
        assertThat(ids(http.get("/api/v1/channels", TestServer.ADMIN), "channels")).containsExactly("ops");
        assertThat(ids(http.get("/api/v1/rules", TestServer.ADMIN), "rules")).containsExactly("web");

        // The same file saved again, and an API reload: nothing to change.
        HttpResponse<String> again = http.postJson("/api/v1/config/reload", "", TestServer.ADMIN);
        assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
        assertThat(json(again).path("changes").path("targets_changed")).isEmpty();

        // `watchpost check` on another copy says what a reload of it would change, applying nothing.
        Path candidate = dir.resolve("candidate.yml");
        Files.writeString(candidate, Files.readString(file).replace("  - { id: web/b, name: Shop, push: { every: 1h } }\n",
                "  - { id: web/c, name: Site C, push: { every: 1h } }\n"));
        Map<String, String> env = Map.of("WATCHPOST_CONFIG", candidate.toString(), "WATCHPOST_PORT",
                Integer.toString(server.app().port()));
        assertThat(RunningServer.compare(TestServer.config(dir.resolve("data"), env)))
                .isEqualTo("a reload would add targets [web/c]; remove targets [web/b]");
        assertThat(http.get("/api/v1/targets/web/c").statusCode()).as("nothing applied").isEqualTo(404);
        Files.writeString(candidate, Files.readString(file).replace("rules:\n", "rules:\n  - { id: late, notify: [nobody] }\n"));
        assertThat(RunningServer.compare(TestServer.config(dir.resolve("data"), env)))
                .startsWith("the running server would refuse it: ").contains("nobody");
        HttpResponse<String> bad = http.postJson("/api/v1/config/check", "{\"targets\": {}}", TestServer.ADMIN);
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(json(bad).path("error").asText()).isEqualTo("body.targets: expected an array");

        reporting.set(false);
        bot.join();
        assertThat(refused).as("reports refused during the reloads").isEmpty();
        assertThat(sent.get()).isGreaterThan(50);
        assertThat(state("web/a")).isEqualTo("online");
        assertThat(http.postJson("/api/v1/config/reload", "", null).statusCode()).as("admin only").isEqualTo(401);
    }

    @Test
    void aServerStartedWithoutAConfigFileHasNothingToReload() throws Exception {
        try (TestServer bare = TestServer.start(dir.resolve("bare"), Clock.systemUTC(), Map.of())) {
            HttpResponse<String> r = bare.http().postJson("/api/v1/config/reload", "", TestServer.ADMIN);
            assertThat(r.statusCode()).isEqualTo(409);
            assertThat(json(r).path("error").asText()).startsWith("this server was started without a config file");
            JsonNode status = json(bare.http().get("/api/v1/config/status", TestServer.ADMIN));
            assertThat(status.path("file").isNull()).isTrue();
            assertThat(status.path("ok").asBoolean()).isTrue();
        }
    }

    // ------------------------------------------------------------------ helpers

    /** Writes the file whole, as an editor saving it does (a new file moved over the old one). */
    private void write(String yaml) throws Exception {
        Path tmp = dir.resolve("watchpost.yml.tmp");
        Files.writeString(tmp, yaml);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /** The changes of the {@code n}-th reload applied since the start, once it is. */
    private JsonNode awaitApplied(int n) {
        AtomicInteger seen = new AtomicInteger();
        return await().atMost(Duration.ofSeconds(10)).until(() -> {
            JsonNode s = json(http.get("/api/v1/config/status", TestServer.ADMIN));
            return s.path("ok").asBoolean() && !s.path("last_changes").isNull() && s.path("attempted_at").asText()
                    .equals(s.path("applied_at").asText()) && applied(s) >= n ? s.path("last_changes") : null;
        }, java.util.Objects::nonNull);
    }

    private final Map<String, Boolean> appliedAt = new ConcurrentHashMap<>();

    /** How many distinct applied reloads have been seen. */
    private int applied(JsonNode status) {
        appliedAt.put(status.path("applied_at").asText(), true);
        return appliedAt.size();
    }

    private JsonNode target(String id) {
        return json(http.get("/api/v1/targets/" + id)).path("target");
    }

    private String state(String id) {
        return target(id).path("state").asText();
    }

    private static List<String> ids(HttpResponse<String> r, String field) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode list = json(r).has(field) ? json(r).get(field) : json(r);
        List<String> out = new java.util.ArrayList<>();
        list.forEach(item -> out.add(item.path("id").asText()));
        return out;
    }

    private int count(String path) {
        return web.hits(path);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
