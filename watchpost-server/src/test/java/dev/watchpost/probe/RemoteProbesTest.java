package dev.watchpost.probe;

import dev.watchpost.testing.MutableClock;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A prober's scheduler, stepped with a test clock against a local port: the first run within the
 * first-run spread, then the server's grid for the target (so a location's results fall into the
 * server's rounds), nothing after a target is removed, and an unchanged plan keeps its grid.
 */
class RemoteProbesTest {

    private record Got(String id, Instant at, Outcome outcome) {
    }

    @Test
    void runsOnTheServersGridHandsResultsToItsSinkAndStopsWhenRemoved() throws Exception {
        try (ServerSocket open = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             HttpClients clients = new HttpClients()) {
            Thread.ofVirtual().start(() -> {
                while (!open.isClosed()) {
                    try {
                        open.accept().close();
                    } catch (Exception ignored) {
                        // closed at the end
                    }
                }
            });
            MutableClock clock = MutableClock.at("2026-03-01T12:00:00Z");
            List<Got> got = new CopyOnWriteArrayList<>();
            Duration every = Duration.ofSeconds(30);
            ProbePlan plan = new ProbePlan(new TcpCheck("127.0.0.1", open.getLocalPort(), Duration.ofSeconds(2)), every,
                    DampingState.Thresholds.DEFAULT, new ProbeLocations(false, List.of("eu"), java.util.OptionalInt.empty()));
            try (RemoteProbes probes = new RemoteProbes(clock, new ProbeScheduler.Settings(4, 2), clients,
                    (id, r, at) -> got.add(new Got(id, at, r.outcome())))) {
                Instant start = clock.instant();
                probes.schedule("db/main", plan);
                probes.schedule("db/main", plan); // unchanged: no second first run
                assertThat(probes.targets()).containsExactly("db/main");

                clock.advance(ProbeScheduler.FIRST_RUN_SPREAD);
                probes.tick();
                await().atMost(Duration.ofSeconds(5)).until(() -> got.size() == 1);
                assertThat(got.get(0).outcome()).isEqualTo(Outcome.UP);

                // The next run is the server's slot for the target, at least half an interval on.
                Instant firstPlanned = start.plus(ProbeSchedule.offset("db/main", ProbeScheduler.FIRST_RUN_SPREAD));
                Instant slot = ProbeSchedule.nextRun("db/main", every, firstPlanned.plus(every.dividedBy(2)));
                clock.advance(Duration.between(clock.instant(), slot).minusMillis(1));
                probes.tick();
                Thread.sleep(200);
                assertThat(got).hasSize(1);
                clock.advance(Duration.ofMillis(1));
                probes.tick();
                await().atMost(Duration.ofSeconds(5)).until(() -> got.size() == 2);
                assertThat(got.get(1)).isEqualTo(new Got("db/main", slot, Outcome.UP));

                // What ran, for the prober's log line: the first run started when the test clock
                // was moved past its slot (late), the second on its slot.
                RemoteProbes.Window w = probes.window();
                assertThat(w.checks()).isEqualTo(2);
                assertThat(w.skipped()).isZero();
                assertThat(w.driftP50Ms()).isEqualTo(10);
                assertThat(w.driftMaxMs()).isGreaterThan(10);
                assertThat(probes.window()).as("a new window").isEqualTo(new RemoteProbes.Window(0, 0, -1, -1, -1));

                // The server's limits, as its assignments carry them, replace the ones it started with.
                probes.limits(new ProbeScheduler.Settings(300, 200));
                assertThat(probes.limits()).isEqualTo(new ProbeScheduler.Settings(300, 200));

                probes.unschedule("db/main");
                assertThat(probes.targets()).isEmpty();
                clock.advance(every.multipliedBy(3));
                probes.tick();
                Thread.sleep(200);
                assertThat(got).hasSize(2);
            }
        }
    }
}
