package dev.watchpost.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.watchpost.testing.Http;
import dev.watchpost.testing.Postgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The real process killed with SIGKILL, several times, while hundreds of targets flap: after every
 * restart each target shows the state its last recorded transition led to, the recorded transitions
 * of each target form one chain (each starts where the previous one ended), and every transition
 * announced on the live feed before a kill is in the database.
 *
 * <p>{@code scripts/kill-loop.sh} runs the same loop longer and bigger through the system properties
 * {@code crash.cycles} and {@code crash.targets}; the counts are printed on a {@code crash-restore:} line.
 */
@Tag("postgres")
class CrashRestoreTest {

    static final String ADMIN = "admin-token-for-crash-restore-01";
    static final String INGEST = "ingest-token-for-crash-restore-1";
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    Process process;

    @AfterEach
    void kill() {
        if (process != null) {
            process.destroyForcibly();
        }
    }

    @Test
    void killedUnderFlappingLoadComesBackAsItsTransitionLogSaysOnSqlite() throws Exception {
        String url = "jdbc:sqlite:" + dir.resolve("watchpost.db");
        run(null, () -> DriverManager.getConnection(url), Integer.getInteger("crash.cycles", 3),
                Integer.getInteger("crash.targets", 300));
    }

    @Test
    void killedUnderFlappingLoadComesBackAsItsTransitionLogSaysOnPostgres() throws Exception {
        if (Boolean.getBoolean("crash.sqlite-only")) {
            return;
        }
        String url = Postgres.freshDatabaseUrl();
        run(url, () -> DriverManager.getConnection(url), Integer.getInteger("crash.pg-cycles", 2),
                Integer.getInteger("crash.targets", 300));
    }

    interface Connect {
        Connection open() throws Exception;
    }

    /** What one run found. */
    record Counts(int restoredStale, int brokenLinks, int lostAnnounced, int transitions) {
    }

    private void run(String dbUrl, Connect connect, int cycles, int targets) throws Exception {
        Files.writeString(dir.resolve("watchpost.yml"), """
                groups:
                  - { id: flap, shards: %d, lease: 1h }
                """.formatted(targets));
        int restoredStale = 0;
        int brokenLinks = 0;
        int lostAnnounced = 0;
        int announcedTotal = 0;
        Set<String> announced = ConcurrentHashMap.newKeySet();
        long t0 = System.nanoTime();
        for (int cycle = 0; cycle <= cycles; cycle++) {
            Http http = new Http(start(dbUrl, "run-" + cycle));
            if (cycle > 0) {
                // Nothing reports between the start and this read (and the lease is an hour): what it
                // shows is what was restored.
                Map<String, String> shown = new HashMap<>();
                for (JsonNode t : Http.json(http.get("/api/v1/snapshot")).path("targets")) {
                    shown.put(t.path("id").asText(), t.path("state").asText());
                }
                try (Connection c = connect.open()) {
                    Map<String, String> last = lastTransitions(c);
                    for (Map.Entry<String, String> e : last.entrySet()) {
                        if (!e.getValue().equals(shown.get(e.getKey()))) {
                            restoredStale++;
                        }
                    }
                    Set<String> recorded = recorded(c);
                    lostAnnounced += (int) announced.stream().filter(a -> !recorded.contains(a)).count();
                    announcedTotal += announced.size();
                    announced.clear();
                }
            }
            if (cycle == cycles) {
                break;
            }
            AtomicBoolean stop = new AtomicBoolean();
            HttpClient feedClient = HttpClient.newHttpClient();
            CompletableFuture<Void> feed = follow(feedClient, http, announced, stop);
            Thread load = Thread.ofPlatform().name("flapping-load").start(() -> flap(http, targets, stop));
            Thread.sleep(ThreadLocalRandom.current().nextLong(1_500, 3_000));
            process.destroyForcibly(); // SIGKILL: no shutdown hook, nothing flushed
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            stop.set(true);
            load.join(Duration.ofSeconds(30));
            feed.cancel(true);
            feedClient.shutdownNow();
        }
        int transitions;
        try (Connection c = connect.open()) {
            List<String[]> rows = new ArrayList<>();
            try (Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT target_id, from_state, to_state FROM transition ORDER BY id")) {
                while (rs.next()) {
                    rows.add(new String[] {rs.getString(1), rs.getString(2), rs.getString(3)});
                }
            }
            transitions = rows.size();
            Map<String, String> to = new HashMap<>();
            for (String[] r : rows) {
                String previous = to.put(r[0], r[2]);
                if (previous != null && !previous.equals(r[1])) {
                    brokenLinks++;
                }
            }
        }
        Counts counts = new Counts(restoredStale, brokenLinks, lostAnnounced, transitions);
        System.out.printf("crash-restore: database=%s cycles=%d targets=%d transitions=%d announced_seen=%d "
                        + "restored_stale=%d broken_links=%d lost_announced=%d seconds=%d%n",
                dbUrl == null ? "sqlite" : "postgresql", cycles, targets, transitions, announcedTotal, restoredStale,
                brokenLinks, lostAnnounced,
                TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0));
        assertThat(transitions).as("the load made the targets flap").isGreaterThan(cycles * targets);
        assertThat(announcedTotal).as("transitions seen on the live feed").isPositive();
        assertThat(counts.restoredStale()).as("targets restored in another state than their last recorded transition's")
                .isZero();
        assertThat(counts.brokenLinks()).as("transitions whose 'from' is not the previous one's 'to'").isZero();
        assertThat(counts.lostAnnounced()).as("transitions announced on the live feed but not recorded").isZero();
    }

    /** Every target's last recorded state: the 'to' of its last transition. */
    private static Map<String, String> lastTransitions(Connection c) throws Exception {
        Map<String, String> last = new HashMap<>();
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT target_id, to_state FROM transition ORDER BY id")) {
            while (rs.next()) {
                last.put(rs.getString(1), rs.getString(2));
            }
        }
        return last;
    }

    private static Set<String> recorded(Connection c) throws Exception {
        Set<String> out = new HashSet<>();
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT target_id, from_state, to_state, at FROM transition")) {
            while (rs.next()) {
                out.add(rs.getString(1) + " " + rs.getString(2) + " " + rs.getString(3) + " " + rs.getLong(4));
            }
        }
        return out;
    }

    /** Batches that turn every target the other way, as fast as the server takes them, until stopped or killed. */
    private static void flap(Http http, int targets, AtomicBoolean stop) {
        boolean online = true;
        while (!stop.get()) {
            StringBuilder b = new StringBuilder("[");
            for (int i = 0; i < targets; i++) {
                // half the targets flip every round, the others every other round: not all in step
                boolean up = i % 2 == 0 ? online : ThreadLocalRandom.current().nextBoolean();
                b.append(i == 0 ? "" : ",").append("{\"target\":\"flap/").append(i).append("\",\"state\":\"")
                        .append(up ? "online" : "offline").append("\"}");
            }
            online = !online;
            try {
                http.postJson("/api/v1/heartbeats", b.append(']').toString(), INGEST);
            } catch (RuntimeException e) {
                return; // killed
            }
        }
    }

    /** Collects the transitions the live feed announces ("target from to epoch-ms"). */
    private static CompletableFuture<Void> follow(HttpClient client, Http http, Set<String> into,
                                                  AtomicBoolean stop) {
        HttpRequest req = http.request("/api/v1/stream").timeout(Duration.ofMinutes(5)).GET().build();
        CompletableFuture<HttpResponse<Stream<String>>> response = client.sendAsync(req, HttpResponse.BodyHandlers.ofLines());
        return response.thenAcceptAsync(r -> {
            boolean transition = false;
            try (Stream<String> lines = r.body()) {
                for (Iterator<String> it = lines.iterator(); it.hasNext() && !stop.get(); ) {
                    String line = it.next();
                    if (line.startsWith("event:")) {
                        transition = line.equals("event:transition");
                    } else if (transition && line.startsWith("data:")) {
                        JsonNode t = JSON.readTree(line.substring(5));
                        into.add(t.path("target").asText() + " " + t.path("from").asText() + " " + t.path("to").asText()
                                + " " + Instant.parse(t.path("at").asText()).toEpochMilli());
                    }
                }
            } catch (RuntimeException | IOException e) {
                // the server was killed mid-stream
            }
        });
    }

    private int start(String dbUrl, String name) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Main.class.getName());
        pb.environment().put("WATCHPOST_PORT", "0");
        pb.environment().put("WATCHPOST_DATA", dir.toString());
        pb.environment().put("WATCHPOST_ADMIN_TOKEN", ADMIN);
        pb.environment().put("WATCHPOST_INGEST_TOKEN", INGEST);
        pb.environment().put("WATCHPOST_CONFIG", dir.resolve("watchpost.yml").toString());
        if (dbUrl != null) {
            pb.environment().put("WATCHPOST_DB_URL", dbUrl);
        }
        Path log = dir.resolve(name + ".log");
        pb.redirectErrorStream(true).redirectOutput(log.toFile());
        process = pb.start();
        Process p = process;
        Pattern started = Pattern.compile("event=server.started address=http://127.0.0.1:(\\d+)");
        return await().atMost(Duration.ofSeconds(60)).until(() -> {
            assertThat(p.isAlive()).as("server exited early:\n%s", Files.readString(log)).isTrue();
            Matcher m = started.matcher(Files.readString(log));
            return m.find() ? Integer.parseInt(m.group(1)) : -1;
        }, n -> n > 0);
    }
}
