package dev.watchpost.app;

import com.fasterxml.jackson.databind.JsonNode;
import dev.watchpost.config.ConfigLoader;
import dev.watchpost.store.Database;
import dev.watchpost.store.SecretBox;
import dev.watchpost.testing.Http;
import dev.watchpost.testing.TestServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Secrets made through the API (channel webhooks and tokens, targets' ping keys, probe headers)
 * are sealed in the database with a key kept elsewhere: a copy of the data directory's database
 * files gives none of them away, the server reads them back after a restart, rows from before
 * sealing are sealed on start, a wrong key is refused by name, and the key can be rotated.
 */
@Tag("integration")
class SecretsAtRestTest {

    static final String HOOK_PATH = "/services/T0/B0/webhook-secret-path-1234";
    static final String HOOK_TOKEN = "Bearer channel-header-secret-5678";
    static final String PING_KEY = "ping-key-secret-abcdefghij";
    static final String PROBE_AUTH = "Bearer probe-header-secret-9012";
    static final List<String> SECRETS = List.of("webhook-secret-path-1234", HOOK_TOKEN, PING_KEY, PROBE_AUTH);

    @TempDir
    Path dir;

    /** The webhook's receiver: what reaches it shows the server opened the sealed channel. */
    private final java.util.concurrent.BlockingQueue<String> received = new java.util.concurrent.LinkedBlockingQueue<>();
    private com.sun.net.httpserver.HttpServer receiver;
    private String hook;

    @org.junit.jupiter.api.BeforeEach
    void receiver() throws IOException {
        receiver = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/", ex -> {
            received.add(ex.getRequestURI().getPath() + " " + ex.getRequestHeaders().getFirst("Authorization"));
            ex.getRequestBody().readAllBytes();
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        receiver.start();
        hook = "http://127.0.0.1:" + receiver.getAddress().getPort() + HOOK_PATH;
    }

    @org.junit.jupiter.api.AfterEach
    void stopReceiver() {
        receiver.stop(0);
    }

    private void createSecrets(Http http) {
        assertThat(http.postJson("/api/v1/channels", """
                {"id":"ops-hook","webhook":{"url":"%s","headers":{"Authorization":"%s"}}}""".formatted(hook, HOOK_TOKEN),
                TestServer.ADMIN).statusCode()).isEqualTo(201);
        assertThat(http.postJson("/api/v1/targets", """
                {"id":"jobs/backup","push":{"every":"1h"},"ping-key":"%s"}""".formatted(PING_KEY),
                TestServer.ADMIN).statusCode()).isEqualTo(201);
        assertThat(http.postJson("/api/v1/targets", """
                {"id":"web/api","http":{"url":"http://127.0.0.1:9/health","every":"1h","headers":{"Authorization":"%s"}}}"""
                .formatted(PROBE_AUTH), TestServer.ADMIN).statusCode()).isEqualTo(201);
    }

    /** The server opened its sealed rows: the channel reaches its secret URL with its header; an admin reads the targets' secrets. */
    private void assertReadsBack(Http http) throws InterruptedException {
        received.clear();
        assertThat(http.postJson("/api/v1/channels/ops-hook/test", "{}", TestServer.ADMIN).statusCode()).isEqualTo(200);
        assertThat(received.poll(10, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(HOOK_PATH + " " + HOOK_TOKEN);
        assertThat(http.get("/api/v1/targets/jobs/backup", TestServer.ADMIN).body()).contains(PING_KEY);
        assertThat(http.get("/api/v1/targets/web/api", TestServer.ADMIN).body()).contains(PROBE_AUTH);
        // the ping key works: the target is found by it
        assertThat(http.request("/ping/" + PING_KEY).POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build())
                .satisfies(r -> assertThat(http.send(r).statusCode()).isEqualTo(200));
    }

    /** Every byte the database left in the data directory (the file, its WAL and journal). */
    private String databaseBytes() throws IOException {
        StringBuilder all = new StringBuilder();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(f -> f.getFileName().toString().startsWith("watchpost.db")).toList()) {
                all.append(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1));
            }
        }
        return all.toString();
    }

    @Test
    void secretsAreSealedInTheDatabaseAndReadBackAfterARestart() throws Exception {
        try (TestServer server = TestServer.start(dir, Clock.systemUTC(), Map.of())) {
            createSecrets(server.http());
            assertReadsBack(server.http());
        }
        Path keyFile = dir.resolve("secrets.key");
        assertThat(keyFile).exists();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile))).isEqualTo("rw-------");
        String db = databaseBytes();
        assertThat(db).contains("ops-hook").contains(SecretBox.PREFIX); // the rows are there, sealed
        for (String secret : SECRETS) {
            assertThat(db).as("the database files hold no secret in the clear").doesNotContain(secret);
        }
        try (TestServer again = TestServer.start(dir, Clock.systemUTC(), Map.of())) {
            assertReadsBack(again.http());
        }
    }

    @Test
    void rowsWrittenBeforeSealingAreSealedOnStart() throws Exception {
        Map<String, String> env = Map.of("WATCHPOST_DATA", dir.toString());
        try (Database db = Stores.open(ConfigLoader.load(Optional.empty(), env, false).storage(), new SimpleMeterRegistry())) {
            db.write(c -> { // as an older Watchpost wrote them: plain JSON, the ping key in its column
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO alert_channel (id, spec, created_at) VALUES (?, ?, 0)")) {
                    ps.setString(1, "ops-hook");
                    ps.setString(2, "{\"id\":\"ops-hook\",\"webhook\":{\"url\":\"" + hook + "\",\"headers\":{\"Authorization\":\""
                            + HOOK_TOKEN + "\"}}}");
                    ps.executeUpdate();
                }
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO target (id, group_id, kind, name, spec, ping_key, source, created_at) "
                        + "VALUES ('jobs/backup', 'jobs', 'push', 'backup', ?, ?, 'api', 0)")) {
                    ps.setString(1, "{\"id\":\"jobs/backup\",\"push\":{\"every\":\"1h\"},\"ping-key\":\"" + PING_KEY + "\"}");
                    ps.setString(2, PING_KEY);
                    ps.executeUpdate();
                }
                return null;
            });
        }
        assertThat(databaseBytes()).contains(PING_KEY);
        try (TestServer server = TestServer.start(dir, Clock.systemUTC(), Map.of())) {
            received.clear();
            assertThat(server.http().postJson("/api/v1/channels/ops-hook/test", "{}", TestServer.ADMIN).statusCode()).isEqualTo(200);
            assertThat(received.poll(10, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(HOOK_PATH + " " + HOOK_TOKEN);
            assertThat(server.http().get("/api/v1/targets/jobs/backup", TestServer.ADMIN).body()).contains(PING_KEY);
        }
        vacuum();
        String db = databaseBytes();
        assertThat(db).contains("ops-hook");
        SECRETS.forEach(secret -> assertThat(db).doesNotContain(secret));
    }

    /** SQLite keeps freed pages until a VACUUM: the old plain rows' bytes would linger in them. */
    private void vacuum() throws java.sql.SQLException {
        try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("watchpost.db"));
             var st = c.createStatement()) {
            st.execute("VACUUM");
            st.execute("PRAGMA wal_checkpoint(TRUNCATE)");
        }
    }

    @Test
    void aWrongKeyIsRefusedByIdWithoutShowingASecret() throws Exception {
        String keyA = Base64.getEncoder().encodeToString(SecretBox.newKey());
        String keyB = Base64.getEncoder().encodeToString(SecretBox.newKey());
        try (TestServer server = TestServer.start(dir, Clock.systemUTC(), Map.of("WATCHPOST_SECRETS_KEY", keyA))) {
            createSecrets(server.http());
        }
        assertThat(dir.resolve("secrets.key")).doesNotExist(); // the environment's key is the key: no file made
        String idA = SecretBox.of(Base64.getDecoder().decode(keyA)).keyId();
        String idB = SecretBox.of(Base64.getDecoder().decode(keyB)).keyId();
        assertThatThrownBy(() -> TestServer.start(dir, Clock.systemUTC(), Map.of("WATCHPOST_SECRETS_KEY", keyB)).close())
                .hasMessageContaining("sealed with key " + idA)
                .hasMessageContaining("the key in use is " + idB)
                .satisfies(e -> SECRETS.forEach(s -> assertThat(e.getMessage()).doesNotContain(s)));
        try (TestServer server = TestServer.start(dir, Clock.systemUTC(), Map.of("WATCHPOST_SECRETS_KEY", keyA))) {
            assertReadsBack(server.http());
        }
    }

    private record Run(int code, String out, String err) {
    }

    private Run cli(Map<String, String> extra, String stdin, String... args) {
        Map<String, String> env = new HashMap<>(Map.of("WATCHPOST_DATA", dir.toString(), "WATCHPOST_PORT", String.valueOf(freePort())));
        env.putAll(extra);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, env, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void rotateKeyResealsEveryRowAndTheOldKeyOpensNothing() throws Exception {
        try (TestServer server = TestServer.start(dir, Clock.systemUTC(), Map.of())) {
            createSecrets(server.http());
            // refused while the server runs: it would keep sealing with the old key
            Run refused = cli(Map.of("WATCHPOST_PORT", String.valueOf(server.app().port())), "", "secrets", "rotate-key");
            assertThat(refused.code()).isEqualTo(1);
            assertThat(refused.err()).contains("stop it");
        }
        Path keyFile = dir.resolve("secrets.key");
        String oldKey = Files.readString(keyFile);
        String oldId = SecretBox.of(Base64.getDecoder().decode(oldKey.strip())).keyId();

        Run status = cli(Map.of(), "", "secrets", "status");
        assertThat(status.code()).isZero();
        assertThat(status.out()).contains("key " + oldId + " from " + keyFile).contains("3 row(s) sealed with key " + oldId);

        Run rotated = cli(Map.of(), "", "secrets", "rotate-key");
        assertThat(rotated.code()).as(rotated.err()).isZero();
        String newKey = Files.readString(keyFile);
        String newId = SecretBox.of(Base64.getDecoder().decode(newKey.strip())).keyId();
        assertThat(newId).isNotEqualTo(oldId);
        assertThat(rotated.err()).contains("Resealed 3 row(s) with key " + newId + " (was " + oldId + ")");
        assertThat(rotated.out()).isEmpty(); // the key went to the file, not to the terminal
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile))).isEqualTo("rw-------");
        assertThat(dir.resolve("secrets.key.new")).doesNotExist();

        try (TestServer server = TestServer.start(dir, Clock.systemUTC(), Map.of())) {
            assertReadsBack(server.http());
        }
        // a leaked copy of the old key opens nothing any more
        assertThatThrownBy(() -> TestServer.start(dir, Clock.systemUTC(), Map.of("WATCHPOST_SECRETS_KEY", oldKey.strip())).close())
                .hasMessageContaining("sealed with key " + newId);

        // with the key in the environment, the operator brings the new key and sets it afterwards
        String chosen = Base64.getEncoder().encodeToString(SecretBox.newKey());
        Run fromEnv = cli(Map.of("WATCHPOST_SECRETS_KEY", newKey.strip()), chosen + "\n", "secrets", "rotate-key", "--new-key-stdin");
        assertThat(fromEnv.code()).as(fromEnv.err()).isZero();
        assertThat(fromEnv.err()).contains("Set WATCHPOST_SECRETS_KEY to the new key");
        try (TestServer server = TestServer.start(dir, Clock.systemUTC(), Map.of("WATCHPOST_SECRETS_KEY", chosen))) {
            assertReadsBack(server.http());
        }
        Run bad = cli(Map.of("WATCHPOST_SECRETS_KEY", chosen), "not-a-key\n", "secrets", "rotate-key", "--new-key-stdin");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("32 random bytes in base64").contains("nothing changed");
    }

    @Test
    void aRotationCutShortBeforeItsCommitIsAbandonedAndAfterItIsFinished() throws Exception {
        try (TestServer server = TestServer.start(dir, Clock.systemUTC(), Map.of())) {
            createSecrets(server.http());
        }
        Path keyFile = dir.resolve("secrets.key");
        Path pending = dir.resolve("secrets.key.new");
        String before = Files.readString(keyFile);

        // cut short before any row was resealed: the staged key is dropped, the old one kept
        Files.writeString(pending, Base64.getEncoder().encodeToString(SecretBox.newKey()) + "\n");
        try (TestServer server = TestServer.start(dir, Clock.systemUTC(), Map.of())) {
            assertReadsBack(server.http());
        }
        assertThat(pending).doesNotExist();
        assertThat(Files.readString(keyFile)).isEqualTo(before);

        // cut short after the commit, before the rename: the next start finishes the rename
        byte[] next = SecretBox.newKey();
        Files.writeString(pending, Base64.getEncoder().encodeToString(next) + "\n");
        Map<String, String> env = Map.of("WATCHPOST_DATA", dir.toString());
        try (Database db = Stores.open(ConfigLoader.load(Optional.empty(), env, false).storage(), new SimpleMeterRegistry())) {
            SecretsAtRest.reseal(db, SecretBox.of(Base64.getDecoder().decode(before.strip())), SecretBox.of(next));
        }
        try (TestServer server = TestServer.start(dir, Clock.systemUTC(), Map.of())) {
            assertReadsBack(server.http());
        }
        assertThat(pending).doesNotExist();
        assertThat(Files.readString(keyFile).strip()).isEqualTo(Base64.getEncoder().encodeToString(next));
    }
}
