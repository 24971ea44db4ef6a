package dev.watchpost.testing;

import dev.watchpost.app.Main;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Several real Watchpost processes ({@link Main}, each a child JVM on the test class path) sharing one
 * real PostgreSQL database: what cluster mode runs as in production, so a test can kill, stop, pause
 * and restart single nodes and watch the others.
 *
 * <p>Each node gets a port chosen before it starts (its advertise URL must be known up front and must
 * survive a restart), a data directory of its own, the one shared config file, the same tokens and the
 * same secrets key: secrets written through one node are sealed with that key, and a node with another
 * key would refuse to start on the shared database. Each node's stdout and stderr go to
 * {@code <dir>/node-<i>.log}, appended across restarts.
 *
 * <p>Nothing may outlive the test: {@link #close()} (use try-with-resources or an {@code @AfterEach}),
 * a shutdown hook for a test JVM that ends without it, and a watchdog process for a test JVM that is
 * killed outright (SIGKILL runs no hook): it waits on a pipe from the test JVM and, when the pipe
 * closes, kills every node it was told about and PostgreSQL.
 */
public final class ClusterNodes implements AutoCloseable {

    public static final String ADMIN = "cluster-admin-token-for-tests-001";
    public static final String INGEST = "cluster-ingest-token-for-tests-01";
    public static final String CLUSTER_SECRET = "cluster-secret-for-tests-00000001";
    /** 32 bytes in base64, as {@code storage.secrets-key} wants them; the same on every node. */
    public static final String SECRETS_KEY = Base64.getEncoder()
            .encodeToString("secrets-key-of-the-test-cluster!".getBytes(StandardCharsets.US_ASCII));

    /** A cold JVM start on a busy two-core machine takes seconds; a stuck one must still fail the test. */
    static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    /** Longer than the server's 10 s shutdown grace plus its final flush. */
    static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    /**
     * As the {@code watchpost} launcher starts the server, with a smaller heap cap so three nodes,
     * PostgreSQL and the build fit on a small machine.
     */
    static final List<String> JVM_ARGS = List.of("-Xms16m", "-Xmx256m", "-XX:+UseParallelGC",
            "-XX:MinHeapFreeRatio=10", "-XX:MaxHeapFreeRatio=40", "--enable-native-access=ALL-UNNAMED");

    private final Path dir;
    private final Postgres.Standalone postgres;
    private final List<Node> nodes = new ArrayList<>();
    /** On every node's command line, so the watchdog kills only processes that are still ours. */
    private final String mark = "-Dwatchpost.test.cluster=" + UUID.randomUUID();
    private final Process watchdog;
    private final Thread hook = new Thread(this::close, "cluster-nodes-cleanup");
    private final AtomicBoolean closed = new AtomicBoolean();

    /** See {@link #builder}. */
    public static final class Builder {
        private final Path dir;
        private int nodes = 3;
        private String config = "";
        private final Map<String, String> env = new LinkedHashMap<>();
        private boolean clusterEnv = true;

        private Builder(Path dir) {
            this.dir = dir;
        }

        /** How many nodes (default 3). */
        public Builder nodes(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("at least one node");
            }
            this.nodes = n;
            return this;
        }

        /** The YAML every node reads ({@code WATCHPOST_CONFIG}); empty by default. */
        public Builder config(String yaml) {
            this.config = yaml;
            return this;
        }

        /** Extra variables for every node, set last so they override the harness's own; {@code null} removes one. */
        public Builder env(Map<String, String> env) {
            this.env.putAll(env);
            return this;
        }

        /**
         * Whether the nodes get {@code WATCHPOST_NODE_ID}, {@code WATCHPOST_ADVERTISE_URL} and
         * {@code WATCHPOST_CLUSTER_SECRET} (default on): the secret turns cluster mode on. Off, they
         * run as single servers that merely share a database, the baseline a cluster test can compare with.
         */
        public Builder clusterEnv(boolean on) {
            this.clusterEnv = on;
            return this;
        }

        /** Starts PostgreSQL, then all nodes at once; returns when every node answers {@code /readyz} with 200. */
        public ClusterNodes start() {
            return new ClusterNodes(this);
        }
    }

    /**
     * A cluster under {@code dir} (PostgreSQL's data in {@code dir/postgres}, node i's data in
     * {@code dir/node-i}, its output in {@code dir/node-i.log}, the config in {@code dir/watchpost.yml}).
     */
    public static Builder builder(Path dir) {
        return new Builder(dir);
    }

    /** {@code builder(dir).nodes(n).config(configYaml).env(extraEnv).start()}. */
    public static ClusterNodes start(Path dir, int n, String configYaml, Map<String, String> extraEnv) {
        return builder(dir).nodes(n).config(configYaml).env(extraEnv).start();
    }

    private ClusterNodes(Builder b) {
        this.dir = b.dir;
        Path config = dir.resolve("watchpost.yml");
        try {
            Files.createDirectories(dir);
            Files.writeString(config, b.config, StandardCharsets.UTF_8);
            watchdog = startWatchdog(dir.resolve("postgres"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Runtime.getRuntime().addShutdownHook(hook);
        Postgres.Standalone pg = null;
        try {
            pg = Postgres.standalone(dir.resolve("postgres"));
            this.postgres = pg;
            int[] ports = freePorts(b.nodes);
            for (int i = 0; i < b.nodes; i++) {
                String id = "node-" + i;
                String url = "http://127.0.0.1:" + ports[i];
                Map<String, String> env = new LinkedHashMap<>();
                env.put("WATCHPOST_HOST", "127.0.0.1");
                env.put("WATCHPOST_PORT", Integer.toString(ports[i]));
                env.put("WATCHPOST_DATA", dir.resolve(id).toString());
                env.put("WATCHPOST_CONFIG", config.toString());
                env.put("WATCHPOST_DB_URL", pg.url());
                env.put("WATCHPOST_DB_USER", "postgres"); // the embedded server trusts local connections: no password
                env.put("WATCHPOST_ADMIN_TOKEN", ADMIN);
                env.put("WATCHPOST_INGEST_TOKEN", INGEST);
                env.put("WATCHPOST_SECRETS_KEY", SECRETS_KEY);
                if (b.clusterEnv) {
                    env.put("WATCHPOST_NODE_ID", id);
                    env.put("WATCHPOST_ADVERTISE_URL", url);
                    env.put("WATCHPOST_CLUSTER_SECRET", CLUSTER_SECRET);
                }
                b.env.forEach((k, v) -> {
                    if (v == null) {
                        env.remove(k);
                    } else {
                        env.put(k, v);
                    }
                });
                nodes.add(new Node(i, id, ports[i], url, Map.copyOf(env)));
            }
            // All launched before any is waited for: they boot side by side.
            for (Node node : nodes) {
                node.launch();
            }
            long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
            for (Node node : nodes) {
                node.awaitReady(deadline);
            }
        } catch (RuntimeException | Error e) {
            try {
                abandon(pg);
            } catch (RuntimeException cleanup) {
                e.addSuppressed(cleanup); // the failed start is what the test must see
            }
            throw e;
        }
    }

    /** A start that failed: whatever was started goes. */
    private void abandon(Postgres.Standalone pg) {
        try {
            killAll();
        } finally {
            if (pg != null) {
                pg.close();
            }
            finish();
        }
    }

    /** {@code GET /api/v1/cluster} as node {@code i} answers it (admin token). */
    public com.fasterxml.jackson.databind.JsonNode view(int i) {
        return Http.json(node(i).http().get("/api/v1/cluster", ADMIN));
    }

    /** How many nodes node {@code i} counts as live. */
    public int liveNodes(int i) {
        int n = 0;
        for (com.fasterxml.jackson.databind.JsonNode x : view(i).path("nodes")) {
            n += x.path("live").asBoolean() ? 1 : 0;
        }
        return n;
    }

    /** How many partitions node {@code i} sees without a live owner (-1 when it did not say). */
    public int unowned(int i) {
        return view(i).path("partitions_unowned").asInt(-1);
    }

    /** Each target's recorded changes in the shared database; see {@link #chains(String)}. */
    public Map<String, List<String>> chains() {
        return chains(postgres.url());
    }

    /** Each target's recorded changes in the database at {@code url}, oldest first, as "from>to". */
    public static Map<String, List<String>> chains(String url) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(url);
             java.sql.PreparedStatement ps = c.prepareStatement(
                     "SELECT target_id, from_state, to_state FROM transition ORDER BY target_id, at, id");
             java.sql.ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(rs.getString(2) + ">" + rs.getString(3));
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("cannot read the transitions", e);
        }
        return out;
    }

    /**
     * The settings of a cluster node run in the test's own JVM ({@code TestServer}) on the database at
     * {@code dbUrl}, with a free port of its own and the config file {@code config}.
     */
    public static Map<String, String> inProcessEnv(String dbUrl, String id, Path config) {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> env = new HashMap<>(Map.of("WATCHPOST_DB_URL", dbUrl, "WATCHPOST_PORT", Integer.toString(port),
                "WATCHPOST_CLUSTER_SECRET", "cluster-secret-0123456789",
                "WATCHPOST_SECRETS_KEY", "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
                "WATCHPOST_NODE_ID", id, "WATCHPOST_ADVERTISE_URL", "http://127.0.0.1:" + port));
        env.put("WATCHPOST_CONFIG", config.toString());
        return env;
    }

    /** The shared PostgreSQL: {@code url()} for the test's own queries, {@code stop()}/{@code start()} for outages. */
    public Postgres.Standalone postgres() {
        return postgres;
    }

    public List<Node> nodes() {
        return List.copyOf(nodes);
    }

    public Node node(int i) {
        return nodes.get(i);
    }

    /** A new client that spreads requests over the nodes, with its own record of the answers. */
    public RoundRobin roundRobin() {
        return new RoundRobin(this);
    }

    /** Kills every node (resuming a paused one first) and stops PostgreSQL; a second call does nothing. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            killAll();
        } finally {
            if (postgres != null) {
                postgres.close();
            }
            finish();
        }
    }

    /** Every node, even when one of them fails to die: the first failure is thrown at the end. */
    private void killAll() {
        RuntimeException failed = null;
        for (Node node : nodes) {
            try {
                node.kill9();
            } catch (RuntimeException e) {
                if (failed == null) {
                    failed = e;
                } else {
                    failed.addSuppressed(e);
                }
            }
        }
        if (failed != null) {
            throw failed;
        }
    }

    /** Everything is down: the watchdog and the hook have nothing left to do. */
    private void finish() {
        closed.set(true);
        if (watchdog != null) {
            watchdog.destroyForcibly();
        }
        if (Thread.currentThread() != hook) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or about to: it finds everything closed
            }
        }
    }

    /**
     * Reads node pids from its stdin, one a line; at end of input (the test JVM is gone, however it
     * ended) kills each still-running node and shuts PostgreSQL down. A stopped (paused) node is
     * continued first; the mark on the command line keeps a recycled pid from being hit.
     */
    private Process startWatchdog(Path pgData) throws IOException {
        String script = """
                pids=""
                while read -r pid; do pids="$pids $pid"; done
                for p in $pids; do
                  if grep -qaF -- "$1" "/proc/$p/cmdline" 2>/dev/null; then kill -CONT "$p"; kill -KILL "$p"; fi
                done
                if [ -r "$2/postmaster.pid" ]; then
                  pm=$(head -n 1 "$2/postmaster.pid")
                  if grep -qaF -- "$2" "/proc/$pm/cmdline" 2>/dev/null; then kill -QUIT "$pm"; fi
                fi
                """;
        return new ProcessBuilder("sh", "-c", script, "cluster-watchdog", mark, pgData.toString())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
    }

    private synchronized void watch(long pid) {
        try {
            OutputStream out = watchdog.getOutputStream();
            out.write((pid + "\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("the watchdog process is gone", e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Ports free now, all different: each node's is fixed before it starts and kept across restarts. */
    private static int[] freePorts(int n) {
        List<ServerSocket> held = new ArrayList<>();
        try {
            int[] ports = new int[n];
            for (int i = 0; i < n; i++) {
                ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                held.add(s);
                ports[i] = s.getLocalPort();
            }
            return ports;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            for (ServerSocket s : held) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // closing a socket that was only bound
                }
            }
        }
    }

    /** One Watchpost process; it keeps its port, environment, data directory and log across restarts. */
    public final class Node {
        private final int index;
        private final String id;
        private final int port;
        private final String url;
        private final Map<String, String> env;
        private final Path log;
        private volatile Process process;
        private volatile Http http;
        private volatile boolean paused;

        private Node(int index, String id, int port, String url, Map<String, String> env) {
            this.index = index;
            this.id = id;
            this.port = port;
            this.url = url;
            this.env = env;
            this.log = dir.resolve(id + ".log");
        }

        public int index() {
            return index;
        }

        /** {@code node-<index>}, its {@code WATCHPOST_NODE_ID}. */
        public String id() {
            return id;
        }

        /** Its base URL (the advertise URL), e.g. {@code http://127.0.0.1:41234}. */
        public String url() {
            return url;
        }

        public int port() {
            return port;
        }

        /** The pid of its current process (a restart changes it). */
        public long pid() {
            return process.pid();
        }

        /** A client for this node; a new one after each restart, so no connection of the old process is reused. */
        public Http http() {
            return http;
        }

        /** The environment it is started with. */
        public Map<String, String> env() {
            return env;
        }

        /** Everything it wrote to stdout and stderr, over all its runs. */
        public String log() {
            try {
                return new String(Files.readAllBytes(log), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        public Path logFile() {
            return log;
        }

        /** Whether its process runs (a paused one does). */
        public boolean alive() {
            Process p = process;
            return p != null && p.isAlive();
        }

        /** Whether {@link #pause()} stopped it and no {@link #resume()}, kill or stop followed. */
        public boolean paused() {
            return paused;
        }

        /** SIGKILL, as a crash or the OOM killer would: no shutdown hook runs. Returns once the process is gone. */
        public synchronized void kill9() {
            Process p = process;
            if (p == null) {
                return;
            }
            p.destroyForcibly(); // SIGKILL ends a stopped process too
            waitFor(p, "SIGKILL");
            paused = false;
        }

        /** SIGTERM, as a service manager stops it (graceful shutdown). Returns once the process is gone. */
        public synchronized void stop() {
            Process p = process;
            if (p == null || !p.isAlive()) {
                return;
            }
            if (paused) {
                resume(); // a stopped process would hold the SIGTERM until continued
            }
            p.destroy();
            waitFor(p, "SIGTERM");
        }

        /**
         * SIGSTOP: the process is frozen (a long GC pause, a stalled VM) but its sockets stay open, so
         * clients connect and then wait. Returns once the kernel reports it stopped.
         */
        public synchronized void pause() {
            // Marked first: the round robin must not pick it between the signal and the mark. A
            // request already sent to it waits until it is resumed, as it would behind a real balancer.
            paused = true;
            try {
                signal("STOP");
            } catch (RuntimeException e) {
                paused = false;
                throw e;
            }
            awaitState(true);
        }

        /** SIGCONT after {@link #pause()}. */
        public synchronized void resume() {
            signal("CONT");
            paused = false;
            awaitState(false);
        }

        /**
         * Stops it if it runs (SIGTERM), starts it again on the same port with the same environment and
         * waits until {@code /readyz} answers 200, which needs the database: not while PostgreSQL is stopped.
         */
        public synchronized void restart() {
            stop();
            try {
                Files.writeString(log, "==== " + id + " restarted by the test ====\n", StandardCharsets.UTF_8,
                        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            launch();
            awaitReady(System.nanoTime() + READY_TIMEOUT.toNanos());
        }

        private synchronized void launch() {
            if (closed.get()) {
                throw new IllegalStateException("the cluster is closed");
            }
            String java = ProcessHandle.current().info().command().orElse("java");
            List<String> command = new ArrayList<>();
            command.add(java);
            command.addAll(JVM_ARGS);
            command.add(mark);
            command.add("-cp");
            command.add(System.getProperty("java.class.path"));
            command.add(Main.class.getName());
            ProcessBuilder pb = new ProcessBuilder(command);
            // The test JVM's own WATCHPOST_* variables (a developer's shell) must not leak into the nodes.
            pb.environment().keySet().removeIf(k -> k.startsWith("WATCHPOST_"));
            pb.environment().putAll(env);
            pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            try {
                process = pb.start();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start " + id, e);
            }
            paused = false;
            watch(process.pid());
            http = new Http(port);
        }

        private void awaitReady(long deadline) {
            Process p = process;
            while (true) {
                if (!p.isAlive()) {
                    throw new IllegalStateException(id + " exited with code " + p.exitValue()
                            + " before it was ready; its log:\n" + tail());
                }
                try {
                    HttpResponse<String> r = http.send(http.request("/readyz").timeout(Duration.ofSeconds(2)).GET().build());
                    if (r.statusCode() == 200) {
                        return;
                    }
                } catch (UncheckedIOException notListeningYet) {
                    // connection refused or timed out while it starts
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(id + " (pid " + p.pid() + ", port " + port + ") not ready within "
                            + READY_TIMEOUT.toSeconds() + " s; its log:\n" + tail());
                }
                sleep(100);
            }
        }

        private void waitFor(Process p, String how) {
            try {
                if (!p.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new IllegalStateException(id + " still running " + STOP_TIMEOUT.toSeconds() + " s after "
                            + how + "; killed; its log:\n" + tail());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
                throw new IllegalStateException(e);
            }
        }

        /** ProcessHandle can only terminate and kill; stop and continue go through kill(1). */
        private void signal(String signal) {
            Process p = process;
            if (p == null || !p.isAlive()) {
                throw new IllegalStateException(id + " is not running");
            }
            try {
                Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid()))
                        .redirectErrorStream(true).start();
                String out = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (kill.waitFor() != 0) {
                    throw new IllegalStateException("kill -" + signal + " " + p.pid() + " failed: " + out);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        /** Signals arrive asynchronously: waits until /proc shows the process stopped (T) or not. */
        private void awaitState(boolean stopped) {
            Path stat = Path.of("/proc", Long.toString(process.pid()), "stat");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (System.nanoTime() < deadline) {
                try {
                    String s = Files.readString(stat);
                    char state = s.charAt(s.lastIndexOf(')') + 2); // after "pid (name) "
                    if ((state == 'T') == stopped) {
                        return;
                    }
                } catch (IOException gone) {
                    throw new IllegalStateException(id + " exited; its log:\n" + tail());
                }
                sleep(10);
            }
            throw new IllegalStateException(id + " did not " + (stopped ? "stop" : "continue") + " within 10 s");
        }

        private String tail() {
            List<String> lines = log().lines().toList();
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 200), lines.size()));
        }

        @Override
        public String toString() {
            return id + " (" + url + ")";
        }
    }

    /**
     * Spreads requests over the nodes in turn, skipping those not running or paused (as a load
     * balancer with health checks would), and records every answer: which node gave it and whether
     * it was 2xx. A request that fails in transport (the node died under it) is recorded with status
     * 0 and not sent again: only what was acknowledged with 2xx counts as accepted. Thread-safe.
     */
    public static final class RoundRobin {

        /**
         * Longer than a node's patience with a target's unreachable owner (10 s, then 503), so the
         * node's own answer is what gets recorded; a node killed under a request fails it at once.
         */
        static final Duration TIMEOUT = Duration.ofSeconds(20);

        /**
         * One request and its outcome. {@code node} is the index of the node that was asked, -1 when
         * none was up; {@code status} 0 when no HTTP answer came, then {@code answer} says why.
         */
        public record Answer(int node, String path, String sent, int status, String answer) {
            /** A 2xx: the node has taken the report. */
            public boolean acknowledged() {
                return status / 100 == 2;
            }
        }

        private final ClusterNodes cluster;
        private final AtomicLong next = new AtomicLong();
        private final List<Answer> answers = new ArrayList<>();

        private RoundRobin(ClusterNodes cluster) {
            this.cluster = cluster;
        }

        /** {@code POST /api/v1/heartbeat/{target}} with the ingest token, e.g. {@code {"state":"online"}}. */
        public Answer heartbeat(String target, String json) {
            return post("/api/v1/heartbeat/" + target, json);
        }

        /** A POST with the ingest token to the next node that is up. */
        public Answer post(String path, String json) {
            Node node = pick();
            Answer answer;
            if (node == null) {
                answer = new Answer(-1, path, json, 0, "no node up");
            } else {
                Http http = node.http();
                HttpRequest request = http.request(path).timeout(TIMEOUT)
                        .header("Content-Type", "application/json")
                        .header("Authorization", "Bearer " + INGEST)
                        .POST(HttpRequest.BodyPublishers.ofString(json)).build();
                HttpResponse<String> r;
                try {
                    r = http.send(request);
                    answer = new Answer(node.index(), path, json, r.statusCode(), r.body());
                } catch (RuntimeException e) {
                    answer = new Answer(node.index(), path, json, 0, String.valueOf(e.getCause() == null ? e : e.getCause()));
                }
            }
            synchronized (answers) {
                answers.add(answer);
            }
            return answer;
        }

        private Node pick() {
            List<Node> all = cluster.nodes;
            for (int tries = 0; tries < all.size(); tries++) {
                Node node = all.get((int) Math.floorMod(next.getAndIncrement(), (long) all.size()));
                if (node.alive() && !node.paused()) {
                    return node;
                }
            }
            return null;
        }

        /** Every answer so far, in the order they came. */
        public List<Answer> answers() {
            synchronized (answers) {
                return List.copyOf(answers);
            }
        }

        /** The answers that were 2xx. */
        public List<Answer> acknowledged() {
            return answers().stream().filter(Answer::acknowledged).toList();
        }

        /** How many answers each node gave, by node index (-1: none was up). */
        public Map<Integer, Integer> countByNode() {
            Map<Integer, Integer> counts = new HashMap<>();
            for (Answer a : answers()) {
                counts.merge(a.node(), 1, Integer::sum);
            }
            return counts;
        }
    }
}
