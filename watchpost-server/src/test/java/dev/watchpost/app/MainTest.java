package dev.watchpost.app;

import dev.watchpost.agent.StatsAgent;
import dev.watchpost.location.RemoteProber;
import dev.watchpost.testing.TestServer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The command line as an operator uses it. */
@Tag("integration")
class MainTest {

    @TempDir
    Path dir;

    private record Result(int code, String out, String err) {
    }

    private Result run(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, env, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private Map<String, String> env() {
        // Port 0: a command that wrongly starts the server must not take a real port.
        return Map.of("WATCHPOST_DATA", dir.toString(), "WATCHPOST_PORT", "0");
    }

    @Test
    void invalidSettingStopsWithOneLineAndExitCode2() {
        Result r = run(Map.of("WATCHPOST_PORT", "http"));
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("watchpost: invalid configuration: server.port = \"http\" (from WATCHPOST_PORT): "
                + "expected a port number 0-65535" + System.lineSeparator());
    }

    @Test
    void unknownOptionShowsUsage() {
        Result r = run(env(), "--verbose");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).startsWith("watchpost: unknown option '--verbose'").contains("usage: watchpost");
    }

    @Test
    void tokenCreatePrintsTheTokenOnceAndListShowsOnlyItsHint() {
        Result created = run(env(), "token", "create", "--scope", "admin", "--name", "ops");
        assertThat(created.code()).isEqualTo(0);
        String token = created.out().strip();
        assertThat(token).startsWith("wp_").hasSize(35);
        assertThat(created.err()).contains("Created admin token #1 (ops)").contains("not shown again");

        Result list = run(env(), "token", "list");
        assertThat(list.code()).isEqualTo(0);
        assertThat(list.out()).contains("admin").contains("ops").contains(token.substring(0, 7)).doesNotContain(token);

        Result revoked = run(env(), "token", "revoke", "1");
        assertThat(revoked.code()).isEqualTo(0);
        assertThat(run(env(), "token", "revoke", "1").err()).contains("no active token with id 1");
    }

    @Test
    void aProberTokenIsBoundToItsLocationOnTheCommandLine() {
        Result created = run(env(), "token", "create", "--scope", "prober", "--location", "eu", "--name", "eu-1");
        assertThat(created.code()).as(created.err()).isEqualTo(0);
        assertThat(created.err()).contains("Created prober token #1 (eu-1, for location eu)");
        assertThat(run(env(), "token", "list").out()).contains("prober").contains("eu-1 (location eu)");
        assertThat(run(env(), "token", "create", "--scope", "read", "--location", "eu").err())
                .contains("--location binds a prober token to its location");
        Result local = run(env(), "token", "create", "--scope", "prober", "--location", "local");
        assertThat(local.code()).isEqualTo(2);
        assertThat(local.err()).contains("--location: 'local' is this server's own location");
    }

    @Test
    void tokenCommandsValidateTheirArguments() {
        assertThat(run(env(), "token", "create").err()).contains("token create needs --scope ingest|read|admin");
        assertThat(run(env(), "token", "create", "--scope", "god").err())
                .contains("--scope must be one of ingest, read, admin, prober (got 'god')");
        assertThat(run(env(), "token", "revoke", "x").err()).contains("numeric id");
        assertThat(run(env(), "token", "frobnicate").code()).isEqualTo(2);
    }

    @Test
    void agentOptionsAreCheckedWithOneLineAndExitCode2() {
        // A broken server setting proves the agent reads no configuration: its own error comes first.
        Map<String, String> badServerConfig = Map.of("WATCHPOST_PORT", "http", "WATCHPOST_DATA", dir.toString());
        assertThat(run(badServerConfig, "agent", "--port", "http"))
                .isEqualTo(new Result(2, "", "watchpost: agent: --port must be a port number 0-65535 (got 'http')"
                        + System.lineSeparator()));
        assertThat(run(badServerConfig, "agent", "--port=65536").err())
                .isEqualTo("watchpost: agent: --port must be a port number 0-65535 (got '65536')" + System.lineSeparator());
        assertThat(run(badServerConfig, "agent", "--path", "platy").err())
                .startsWith("watchpost: agent: path must start with '/'");
        assertThat(run(badServerConfig, "agent", "--disk", dir.resolve("missing").toString()).err())
                .isEqualTo("watchpost: agent: disk path '" + dir.resolve("missing") + "' does not exist" + System.lineSeparator());
        assertThat(run(badServerConfig, "agent", "--config", "watchpost.yml").err())
                .isEqualTo("watchpost: agent: unknown option '--config' (options: --host, --port, --path, --disk)"
                        + System.lineSeparator());
        assertThat(run(badServerConfig, "agent", "--host").err())
                .isEqualTo("watchpost: agent: --host needs a value" + System.lineSeparator());
        assertThat(run(badServerConfig, "agent", "--disk=").err()).contains("--disk needs a value");
        assertThat(run(badServerConfig, "agent", "now").err()).contains("unexpected argument 'now'");
        for (String[] args : new String[][] {{"agent", "--port", "x"}, {"agent", "--path", "platy"}, {"agent", "--frob"},
                {"agent", "--host"}, {"agent", "extra"}, {"agent", "--disk", dir.resolve("missing").toString()}}) {
            Result r = run(badServerConfig, args);
            assertThat(r.code()).as(String.join(" ", args)).isEqualTo(2);
            assertThat(r.err().lines()).as(String.join(" ", args)).hasSize(1);
        }
    }

    @Test
    void agentMustComeFirstAndHasHelp() {
        Result late = run(env(), "--insecure", "agent");
        assertThat(late.code()).isEqualTo(2);
        assertThat(late.err()).startsWith("watchpost: 'agent' must be the first argument");
        Result help = run(env(), "agent", "--help");
        assertThat(help.code()).isEqualTo(0);
        assertThat(help.out()).contains("watchpost agent [--host 127.0.0.1] [--port 9191] [--path /platy] [--disk /]");
    }

    @Test
    void agentOptionsOverTheDefaults() {
        assertThat(Main.agentSettings(new String[] {"--host=0.0.0.0", "--port", "0", "--path", "/stats", "--disk", "/var"}))
                .contains(new StatsAgent.Settings("0.0.0.0", 0, "/stats", Path.of("/var")));
        assertThat(Main.agentSettings(new String[0])).contains(StatsAgent.Settings.defaults());
        assertThat(Main.agentSettings(new String[] {"-h"})).isEmpty();
    }

    @Test
    void proberOptionsOverItsEnvironmentAndItsMistakes() {
        Map<String, String> env = Map.of("WATCHPOST_PROBER_TOKEN", "t0k", "WATCHPOST_PROBER_SERVER", "https://status.example.com");
        assertThat(Main.proberSettings(new String[] {"--location", "eu"}, env)).contains(new RemoteProber.Settings(
                java.net.URI.create("https://status.example.com"), "t0k", "eu", Path.of("prober-buffer")));
        assertThat(Main.proberSettings(new String[] {"--location=us", "--server", "http://10.0.0.1:8080", "--buffer", "/var/b"},
                env)).contains(new RemoteProber.Settings(java.net.URI.create("http://10.0.0.1:8080"), "t0k", "us", Path.of("/var/b")));
        assertThat(Main.proberSettings(new String[] {"--help"}, Map.of())).isEmpty();

        Result missing = run(Map.of(), "prober", "--server", "https://s.example", "--location", "eu");
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).startsWith("watchpost: prober: --token is required (or WATCHPOST_PROBER_TOKEN)");
        Result local = run(Map.of("WATCHPOST_PROBER_TOKEN", "x"), "prober", "--server", "https://s.example", "--location", "local");
        assertThat(local.code()).isEqualTo(2);
        assertThat(local.err()).startsWith("watchpost: prober: --location: 'local' is this server's own location");
        Result url = run(Map.of("WATCHPOST_PROBER_TOKEN", "x"), "prober", "--server", "s.example", "--location", "eu");
        assertThat(url.code()).isEqualTo(2);
        assertThat(url.err()).startsWith("watchpost: prober: --server: expected the server's URL");
        Result help = run(Map.of(), "prober", "-h");
        assertThat(help.code()).isEqualTo(0);
        assertThat(help.out()).contains("watchpost prober --server URL --token T --location NAME [--buffer DIR]");
    }

    @Test
    void refusesToListenOnAllInterfacesWithoutAnAdminToken() {
        var config = TestServer.config(dir, Map.of("WATCHPOST_HOST", "0.0.0.0", "WATCHPOST_ADMIN_TOKEN", ""));
        assertThatThrownBy(() -> Watchpost.start(config, Clock.systemUTC()))
                .isInstanceOf(StartupException.class)
                .hasMessageStartingWith("refusing to listen on 0.0.0.0 without an admin token")
                .hasMessageContaining("--insecure");
        Result r = run(Map.of("WATCHPOST_DATA", dir.toString(), "WATCHPOST_HOST", "0.0.0.0"));
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).startsWith("watchpost: refusing to listen on 0.0.0.0 without an admin token");
    }

    @Test
    void listeningPolicy() {
        assertThat(Watchpost.refuseToListen(true, false, false)).as("loopback is always fine").isFalse();
        assertThat(Watchpost.refuseToListen(false, true, false)).as("an admin token protects the API").isFalse();
        assertThat(Watchpost.refuseToListen(false, false, true)).as("--insecure accepts the risk").isFalse();
        assertThat(Watchpost.refuseToListen(false, false, false)).isTrue();
        assertThat(Watchpost.isLoopback("127.0.0.1")).isTrue();
        assertThat(Watchpost.isLoopback("localhost")).isTrue();
        assertThat(Watchpost.isLoopback("::1")).isTrue();
        assertThat(Watchpost.isLoopback("0.0.0.0")).isFalse();
    }

    private Path config(String yaml) throws java.io.IOException {
        Path file = dir.resolve("watchpost.yml");
        java.nio.file.Files.writeString(file, yaml);
        return file;
    }

    /** One line on stderr, exit 2, for {@code check} and for starting the server alike. */
    private void assertOneLineConfigError(Path file, String line) {
        for (String command : new String[] {"check", "serve"}) {
            Result r = run(env(), command, "--config", file.toString());
            assertThat(r.code()).as(command + ": " + r.err()).isEqualTo(2);
            assertThat(r.err()).as(command).isEqualTo("watchpost: invalid configuration: " + line + System.lineSeparator());
        }
    }

    @Test
    void aBadTargetIsOneLineAndExit2NamingItsIdAndIndex() throws Exception {
        assertOneLineConfigError(config("""
                targets:
                  - id: web/home
                    push: { every: 1m }
                  - id: web/shop
                    http: { url: "http://127.0.0.1:9/", every: soon }
                """), "targets[1] (web/shop).http.every: 'soon' is not a duration such as 500ms, 90s, 15m, 24h, 1d or "
                + "ISO-8601 (PT30S)");
    }

    @Test
    void aBadGroupChannelOrRuleIsOneLineAndExit2NamingItsId() throws Exception {
        Result group = run(env(), "check", "--config", config("""
                groups:
                  - id: bots
                    shards: 0
                """).toString());
        assertThat(group.code()).isEqualTo(2);
        assertThat(group.err()).startsWith("watchpost: invalid configuration: groups[0] (bots).shards: ")
                .hasLineCount(1);

        Result channel = run(env(), "check", "--config", config("""
                channels:
                  - id: ops-hook
                    webhook: { url: "http://127.0.0.1:9/hook", secret: short }
                """).toString());
        assertThat(channel.code()).isEqualTo(2);
        assertThat(channel.err()).startsWith("watchpost: invalid configuration: channels[0] (ops-hook).webhook.secret: ")
                .hasLineCount(1);

        Result rule = run(env(), "check", "--config", config("""
                rules:
                  - id: web-down
                    targets: ["web/*"]
                    notify: [nobody]
                """).toString());
        assertThat(rule.code()).isEqualTo(2);
        assertThat(rule.err()).startsWith("watchpost: invalid configuration: rules[0] (web-down)").contains("nobody")
                .hasLineCount(1);
    }

    @Test
    void aCompositePartThatNamesNoTargetFailsCheckAndStart() throws Exception {
        assertOneLineConfigError(config("""
                groups:
                  - id: web
                targets:
                  - id: web/shop
                    push: { every: 1m }
                  - id: web/all
                    composite: { parts: [web/shopp, web] }
                """), "targets[1] (web/all).composite.parts: 'web/shopp' is no target or group");
    }

    @Test
    void compositePartsMayNameTargetsGroupsGlanceShardsAndTheArgusFleet() throws Exception {
        Path file = config("""
                groups:
                  - id: web
                targets:
                  - id: web/shop
                    push: { every: 1m }
                  - id: web/all
                    composite: { parts: [web/shop, web, main/0, main, fleet, fleet/asia/3] }
                """);
        Result r = run(Map.of("WATCHPOST_DATA", dir.toString(), "WATCHPOST_PORT", "0", "GLANCE_BOTS", "main:2"),
                "check", "--config", file.toString());
        assertThat(r.code()).as(r.err()).isEqualTo(0);
    }

    @Test
    void checkBindsNoPortRunsNoProbeAndWritesNothingButTheSchema() throws Exception {
        java.util.concurrent.atomic.AtomicInteger requests = new java.util.concurrent.atomic.AtomicInteger();
        com.sun.net.httpserver.HttpServer site = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        site.createContext("/", ex -> {
            requests.incrementAndGet();
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        site.start();
        try (java.net.ServerSocket held = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Path file = config("""
                    server:
                      port: %d
                    targets:
                      - id: web/home
                        http: { url: "http://127.0.0.1:%d/", every: 10s, timeout: 1s }
                      - id: jobs/nightly
                        push: { every: 1s }
                    """.formatted(held.getLocalPort(), site.getAddress().getPort()));
            Result r = run(env(), "check", "--config", file.toString());
            assertThat(r.code()).as(r.err()).isEqualTo(0);
            assertThat(r.out()).startsWith("ok: configuration valid, database schema ")
                    .contains("2 targets").doesNotContain("listening");
            Thread.sleep(1_500); // a probe started by the check would have asked by now
            assertThat(requests.get()).as("requests to the probed site").isZero();
        } finally {
            site.stop(0);
        }
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("watchpost.db"));
             java.sql.Statement st = c.createStatement()) {
            for (String table : new String[] {"transition", "target_state", "target", "history_bucket", "history_open"}) {
                try (java.sql.ResultSet rs = st.executeQuery("SELECT count(*) FROM " + table)) {
                    rs.next();
                    assertThat(rs.getInt(1)).as("rows in " + table).isZero();
                }
            }
        }
    }

    @Test
    void checkWithStartBindsThePortAndStopsAgain() throws Exception {
        Result r = run(env(), "check", "--start");
        assertThat(r.code()).as(r.err()).isEqualTo(0);
        assertThat(r.out()).matches("ok: started on port [1-9][0-9]* and stopped\\R");
        try (java.net.ServerSocket held = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Result busy = run(Map.of("WATCHPOST_DATA", dir.toString(), "WATCHPOST_PORT", Integer.toString(held.getLocalPort())),
                    "check", "--start");
            assertThat(busy.code()).isEqualTo(1);
            assertThat(busy.err()).contains("cannot listen on 127.0.0.1:" + held.getLocalPort());
        }
    }

    @Test
    void readOnlyCommandsCreateNoDatabaseAndSayWhereTheyLooked() {
        Path data = dir.resolve("nowhere");
        Map<String, String> env = Map.of("WATCHPOST_DATA", data.toString());
        Result list = run(env, "token", "list");
        assertThat(list.code()).isEqualTo(1);
        assertThat(list.err()).isEqualTo("watchpost: no database at " + data.resolve("watchpost.db")
                + " (storage.data-dir; pass --config FILE or set WATCHPOST_DATA)" + System.lineSeparator());
        Result revoke = run(env, "token", "revoke", "1");
        assertThat(revoke.code()).isEqualTo(1);
        assertThat(revoke.err()).startsWith("watchpost: no database at " + data.resolve("watchpost.db"));
        assertThat(data).doesNotExist();

        assertThat(run(env, "token", "create", "--scope", "admin").code()).as("creating one makes the database").isZero();
        assertThat(run(env, "token", "list").out()).contains("admin");
    }
}
