package dev.watchpost.sdk;

import com.sun.net.httpserver.HttpServer;
import dev.watchpost.client.LiveStream;
import dev.watchpost.client.Snapshot;
import dev.watchpost.client.State;
import dev.watchpost.client.StreamListener;
import dev.watchpost.client.Target;
import dev.watchpost.client.Transition;
import dev.watchpost.client.Watchpost;
import dev.watchpost.client.WatchpostException;
import dev.watchpost.testing.TestServer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The Java SDK (watchpost-client) against a real Watchpost: reporting, jobs, operators' calls, reading, the stream. */
@Tag("integration")
class SdkTest {

    @TempDir
    Path dir;

    private static Watchpost client(int port) {
        return Watchpost.builder().url("http://127.0.0.1:" + port).token(TestServer.INGEST).adminToken(TestServer.ADMIN)
                .retry(Duration.ofMillis(50), Duration.ofMillis(500)).build();
    }

    @Test
    void heartbeatsFromManyThreadsArriveInBatchesAndTheTargetsShowTheStates() throws Exception {
        try (TestServer server = TestServer.start(dir, Clock.systemUTC(), Map.of());
             Watchpost watchpost = client(server.app().port())) {
            watchpost.declareShardedGroup("bot", "Main bot", 8, Duration.ofSeconds(30));
            int threads = 8;
            int each = 250;
            CountDownLatch go = new CountDownLatch(1);
            List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int shard = t;
                Thread w = new Thread(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    for (int i = 0; i < each; i++) {
                        State state = i == each - 1 && shard % 2 == 1 ? State.RESUMING : State.ONLINE;
                        watchpost.heartbeat("bot/" + shard, state, Duration.ofMillis(40 + shard), Map.of("guilds", 100 * shard + i));
                    }
                });
                w.start();
                workers.add(w);
            }
            long before = heartbeatRequests(server);
            go.countDown();
            for (Thread w : workers) {
                w.join();
            }
            assertThat(watchpost.flush(Duration.ofSeconds(10))).isTrue();
            assertThat(watchpost.sent()).isEqualTo(threads * each);
            assertThat(watchpost.rejected()).isZero();
            assertThat(watchpost.dropped()).isZero();
            long requests = heartbeatRequests(server) - before;
            assertThat(requests).as("2,000 heartbeats in batches").isBetween(1L, 100L);

            await().atMost(Duration.ofSeconds(5)).until(() -> watchpost.snapshot().target("bot/7").map(Target::state).orElse(null) == State.RESUMING);
            Snapshot snapshot = watchpost.snapshot();
            for (int shard = 0; shard < threads; shard++) {
                Target t = snapshot.target("bot/" + shard).orElseThrow();
                assertThat(t.state()).isEqualTo(shard % 2 == 1 ? State.RESUMING : State.ONLINE);
                assertThat(t.latencyMs()).isEqualTo(40.0 + shard);
                assertThat(((Number) t.metrics().get("guilds")).longValue()).isEqualTo(100L * shard + each - 1);
            }
        }
    }

    /** POST /api/v1/heartbeats requests the server has answered, from its own /metrics. */
    private static long heartbeatRequests(TestServer server) {
        String metrics = server.http().get("/metrics").body();
        Matcher m = Pattern.compile("(?m)^http_server_requests_seconds_count\\{[^}]*uri=\"/api/v1/heartbeats\"[^}]*} (\\S+)").matcher(metrics);
        long n = 0;
        while (m.find()) {
            n += (long) Double.parseDouble(m.group(1));
        }
        return n;
    }

    @Test
    void theJobWrapperSendsStartThenSuccessOrFailureWithTheExitCodeAndTheRunTime() throws Exception {
        try (TestServer server = TestServer.start(dir, Clock.systemUTC(), Map.of());
             Watchpost watchpost = client(server.app().port())) {
            String key = "nightly-backup-7f3a9c2e41";
            watchpost.declareTarget(Map.of("id", "jobs/backup", "ping-key", key, "push", Map.of("every", "1h")));

            String out = watchpost.job(key).call(() -> {
                // the run is started: the server knows a /start came
                assertThat(server.http().get("/api/v1/targets/jobs/backup", TestServer.ADMIN).body()).contains("\"deadline\"");
                return "done";
            });
            assertThat(out).isEqualTo("done");
            Target ok = watchpost.target("jobs/backup").orElseThrow();
            assertThat(ok.state()).isEqualTo(State.ONLINE);
            assertThat(ok.message()).matches("succeeded in \\d+\\.\\d{3} s");

            assertThat(watchpost.job(key).exit(() -> 3)).isEqualTo(3);
            Target failed = watchpost.target("jobs/backup").orElseThrow();
            assertThat(failed.state()).isEqualTo(State.DOWN);
            assertThat(failed.message()).matches("exit code 3 after \\d+\\.\\d{3} s");

            watchpost.job(key).run(() -> { });
            assertThat(watchpost.target("jobs/backup").orElseThrow().state()).isEqualTo(State.ONLINE);
            assertThatThrownBy(() -> watchpost.job(key).run(() -> {
                throw new IllegalStateException("disk full");
            })).hasMessage("disk full");
            Target thrown = watchpost.target("jobs/backup").orElseThrow();
            assertThat(thrown.state()).isEqualTo(State.DOWN);
            assertThat(thrown.message()).startsWith("failed after ").endsWith(": java.lang.IllegalStateException: disk full");

            watchpost.ping(key);
            assertThat(watchpost.target("jobs/backup").orElseThrow().state()).isEqualTo(State.ONLINE);
            // an unknown key is the server's 404, with its message; the key itself is not repeated
            assertThatThrownBy(() -> watchpost.ping("no-such-key-000000"))
                    .isInstanceOfSatisfying(WatchpostException.class, e -> {
                        assertThat(e.status()).isEqualTo(404);
                        assertThat(e.getMessage()).doesNotContain("no-such-key-000000");
                    });
        }
    }

    @Test
    void aServerThatIsDownNeverBlocksTheCallerAndDropsAreCounted() throws Exception {
        int port = freePort();
        Watchpost watchpost = Watchpost.builder().url("http://127.0.0.1:" + port).token(TestServer.INGEST)
                .queueCapacity(100).closeTimeout(Duration.ofMillis(300)).retry(Duration.ofMillis(50), Duration.ofMillis(200)).build();
        int offered = 20_000;
        int queued = 0;
        long start = System.nanoTime();
        for (int i = 0; i < offered; i++) {
            if (watchpost.heartbeat("bot/" + (i % 8), State.ONLINE)) {
                queued++;
            }
        }
        long took = System.nanoTime() - start;
        assertThat(Duration.ofNanos(took)).as("20,000 heartbeats to a server that is down").isLessThan(Duration.ofSeconds(3));
        assertThat(watchpost.dropped()).isEqualTo(offered - queued).isGreaterThanOrEqualTo(offered - 101);
        long closing = System.nanoTime();
        watchpost.close();
        assertThat(Duration.ofNanos(System.nanoTime() - closing)).isLessThan(Duration.ofSeconds(3));
        assertThat(watchpost.sent()).isZero();
        assertThat(watchpost.dropped()).as("what was queued and never delivered counts too").isEqualTo(offered);
        assertThat(watchpost.heartbeat("bot/0")).as("closed").isFalse();
    }

    @Test
    void aSlowServerDoesNotBlockTheCaller() throws Exception {
        HttpServer slow = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        AtomicInteger requests = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        slow.createContext("/", exchange -> {
            requests.incrementAndGet();
            try {
                release.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            byte[] body = "{\"accepted\":0,\"rejected\":[]}".getBytes();
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        slow.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        slow.start();
        try (Watchpost watchpost = Watchpost.builder().url("http://127.0.0.1:" + slow.getAddress().getPort())
                .token(TestServer.INGEST).queueCapacity(1_000).closeTimeout(Duration.ofMillis(200)).build()) {
            long worst = 0;
            for (int i = 0; i < 5_000; i++) {
                long s = System.nanoTime();
                watchpost.heartbeat("bot/0", State.ONLINE, Duration.ofMillis(5), Map.of("i", i));
                worst = Math.max(worst, System.nanoTime() - s);
                if (i == 10) {
                    await().atMost(Duration.ofSeconds(5)).until(() -> requests.get() >= 1); // a request is being held
                }
            }
            assertThat(Duration.ofNanos(worst)).as("the slowest heartbeat call while the server holds the request")
                    .isLessThan(Duration.ofMillis(500)); // the server holds it 20 s
            assertThat(requests.get()).as("one request held, nothing else sent meanwhile").isEqualTo(1);
            assertThat(watchpost.dropped()).isGreaterThan(3_000);
        } finally {
            release.countDown();
            slow.stop(0);
        }
    }

    @Test
    void aServerRestartedWhileTheClientReportsLosesNothingBeyondWhatWasCounted() throws Exception {
        int port = freePort();
        Map<String, String> env = Map.of("WATCHPOST_PORT", Integer.toString(port));
        TestServer server = TestServer.start(dir, Clock.systemUTC(), env);
        try (Watchpost watchpost = client(port)) {
            watchpost.declareShardedGroup("bot", null, 2, Duration.ofSeconds(30));
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong offered = new AtomicLong();
            AtomicLong last = new AtomicLong();
            Thread bot = new Thread(() -> {
                for (long i = 1; !stop.get(); i++) {
                    watchpost.heartbeat("bot/1", State.ONLINE, null, Map.of("n", i));
                    offered.incrementAndGet();
                    last.set(i);
                    try {
                        Thread.sleep(2);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            bot.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> watchpost.sent() > 100);
            server.close();
            long sentBefore = watchpost.sent();
            Thread.sleep(1_000); // reports keep coming while nothing listens
            server = TestServer.start(dir, Clock.systemUTC(), env);
            await().atMost(Duration.ofSeconds(15)).until(() -> watchpost.sent() > sentBefore + 500);
            stop.set(true);
            bot.join();
            assertThat(watchpost.flush(Duration.ofSeconds(15))).isTrue();

            assertThat(watchpost.sent() + watchpost.rejected() + watchpost.dropped()).isEqualTo(offered.get());
            assertThat(watchpost.dropped()).as("the queue held the outage").isZero();
            assertThat(watchpost.rejected()).isZero();
            Target t = watchpost.target("bot/1").orElseThrow();
            assertThat(t.state()).isEqualTo(State.ONLINE);
            assertThat(((Number) t.metrics().get("n")).longValue()).isEqualTo(last.get());
        } finally {
            server.close();
        }
    }

    @Test
    void readingStatusesNoticesAndTheServersErrors() throws Exception {
        try (TestServer server = TestServer.start(dir, Clock.systemUTC(), Map.of());
             Watchpost watchpost = client(server.app().port());
             Watchpost ingestOnly = Watchpost.builder().url("http://127.0.0.1:" + server.app().port()).token(TestServer.INGEST).build()) {
            Map<String, Object> web = new LinkedHashMap<>();
            web.put("id", "web");
            web.put("name", "Website");
            web.put("manual", Map.of());
            watchpost.declareTarget(web);
            web.put("name", "Website (shop)");
            assertThat(watchpost.declareTarget(web)).as("declared again: replaced").containsEntry("name", "Website (shop)");

            watchpost.setStatus("web", "down", "the database is gone");
            Target t = watchpost.target("web").orElseThrow();
            assertThat(t.state()).isEqualTo(State.DOWN);
            assertThat(t.name()).isEqualTo("Website (shop)");
            // the snapshot is rebuilt at most every 250 ms
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                    assertThat(watchpost.snapshot().target("web")).map(Target::state).contains(State.DOWN));
            assertThat(watchpost.target("nothing/here")).isEmpty();

            Map<String, Object> incident = watchpost.openIncident("Shop down", "Looking into it", List.of("web"));
            long id = ((Number) incident.get("id")).longValue();
            assertThat(watchpost.notices().get("current").toString()).contains("Shop down");
            Map<String, Object> resolved = watchpost.updateNotice(id, "Fixed", "resolved");
            assertThat(resolved).containsEntry("status", "resolved");
            watchpost.deleteNotice(id);

            assertThatThrownBy(() -> ingestOnly.declareShardedGroup("bot-other", null, 2, null))
                    .isInstanceOfSatisfying(WatchpostException.class, e -> {
                        assertThat(e.status()).isEqualTo(403);
                        assertThat(e.error()).isEqualTo("this route needs a token with scope 'admin'; the token given has scope 'ingest'");
                    });
            assertThatThrownBy(() -> watchpost.setStatus("web", "no-such-status", "x"))
                    .isInstanceOfSatisfying(WatchpostException.class, e -> {
                        assertThat(e.status()).isEqualTo(400);
                        assertThat(e.error()).contains("no-such-status");
                    });
            assertThatThrownBy(() -> watchpost.deleteNotice(id))
                    .isInstanceOfSatisfying(WatchpostException.class, e -> assertThat(e.status()).isEqualTo(404));

            // heartbeats the server refuses are counted, not retried
            ingestOnly.heartbeat("no/such/target", State.ONLINE);
            ingestOnly.heartbeat("web", State.ONLINE);
            assertThat(ingestOnly.flush(Duration.ofSeconds(5))).isTrue();
            assertThat(ingestOnly.rejected() + ingestOnly.sent()).isEqualTo(2);
            assertThat(ingestOnly.rejected()).isGreaterThanOrEqualTo(1);
        }
    }

    @Test
    void theStreamListenerGetsTransitionsAndReconnectsAfterARestart() throws Exception {
        int port = freePort();
        Map<String, String> env = Map.of("WATCHPOST_PORT", Integer.toString(port));
        TestServer server = TestServer.start(dir, Clock.systemUTC(), env);
        BlockingQueue<Object> events = new LinkedBlockingQueue<>();
        try (Watchpost watchpost = client(port)) {
            watchpost.declareShardedGroup("bot", null, 2, Duration.ofSeconds(30));
            watchpost.heartbeat("bot/0", State.ONLINE);
            assertThat(watchpost.flush(Duration.ofSeconds(5))).isTrue();
            try (LiveStream stream = watchpost.stream(recorder(events))) {
                Snapshot first = (Snapshot) next(events, Snapshot.class);
                assertThat(first.target("bot/0")).map(Target::state).contains(State.ONLINE);

                watchpost.heartbeat("bot/0", State.OFFLINE);
                Transition down = (Transition) next(events, Transition.class);
                assertThat(down.target()).isEqualTo("bot/0");
                assertThat(down.from()).isEqualTo(State.ONLINE);
                assertThat(down.to()).isEqualTo(State.OFFLINE);

                server.close();
                assertThat(next(events, String.class)).isEqualTo("disconnected");
                server = TestServer.start(dir, Clock.systemUTC(), env);
                // a new run of the server cannot replay the old run's events: the snapshot comes again
                Snapshot again = (Snapshot) next(events, Snapshot.class);
                assertThat(again.target("bot/0")).isPresent();
                assertThat(stream.connected()).isTrue();

                watchpost.heartbeat("bot/0", State.STARTING);
                Transition starting = (Transition) next(events, Transition.class);
                assertThat(starting.to()).isEqualTo(State.STARTING);
            }
        } finally {
            server.close();
        }
    }

    @Test
    void aStreamSilentPastTheIdleTimeoutIsReconnectedAndKeepAlivesKeepItOpen() throws Exception {
        try (TestServer quiet = TestServer.start(dir.resolve("quiet"), Clock.systemUTC(), Map.of("WATCHPOST_STREAM_KEEPALIVE", "1m"));
             TestServer talking = TestServer.start(dir.resolve("talking"), Clock.systemUTC(), Map.of("WATCHPOST_STREAM_KEEPALIVE", "200ms"))) {
            BlockingQueue<Object> fromQuiet = new LinkedBlockingQueue<>();
            BlockingQueue<Object> fromTalking = new LinkedBlockingQueue<>();
            try (Watchpost a = Watchpost.builder().url("http://127.0.0.1:" + quiet.app().port()).token(TestServer.READ)
                         .streamIdleTimeout(Duration.ofMillis(800)).retry(Duration.ofMillis(50), Duration.ofMillis(200)).build();
                 Watchpost b = Watchpost.builder().url("http://127.0.0.1:" + talking.app().port()).token(TestServer.READ)
                         .streamIdleTimeout(Duration.ofMillis(800)).build();
                 LiveStream sa = a.stream(recorder(fromQuiet));
                 LiveStream sb = b.stream(recorder(fromTalking))) {
                next(fromQuiet, Snapshot.class);
                next(fromTalking, Snapshot.class);
                assertThat(next(fromQuiet, String.class)).as("nothing for 800 ms: taken for dead").isEqualTo("disconnected");
                Object back = events(fromQuiet, 5).stream().filter(e -> e instanceof Snapshot || "resumed".equals(e)).findFirst().orElse(null);
                assertThat(back).as("connected again").isNotNull();
                Thread.sleep(2_000);
                assertThat(fromTalking).as("keep-alives every 200 ms hold it open").doesNotContain("disconnected");
                assertThat(sb.connected()).isTrue();
            }
        }
    }

    private static StreamListener recorder(BlockingQueue<Object> events) {
        return new StreamListener() {
            @Override
            public void onSnapshot(Snapshot snapshot) {
                events.add(snapshot);
            }

            @Override
            public void onTransition(Transition transition) {
                events.add(transition);
            }

            @Override
            public void onResumed(long replayed) {
                events.add("resumed");
            }

            @Override
            public void onDisconnected(Throwable cause) {
                events.add("disconnected");
            }
        };
    }

    /** What arrives within {@code seconds}, stopping at the first snapshot or resumption. */
    private static List<Object> events(BlockingQueue<Object> events, int seconds) throws InterruptedException {
        List<Object> seen = new ArrayList<>();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < end) {
            Object e = events.poll(100, TimeUnit.MILLISECONDS);
            if (e != null) {
                seen.add(e);
                if (e instanceof Snapshot || "resumed".equals(e)) {
                    break;
                }
            }
        }
        return seen;
    }

    /** The next event of that type, skipping others (e.g. a transition between two snapshots). */
    private static Object next(BlockingQueue<Object> events, Class<?> type) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < end) {
            Object e = events.poll(100, TimeUnit.MILLISECONDS);
            if (type.isInstance(e)) {
                return e;
            }
        }
        throw new AssertionError("no " + type.getSimpleName() + " within 15 s");
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
