package dev.watchpost.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.watchpost.store.Backoff;
import dev.watchpost.live.Forwarding;
import dev.watchpost.live.LiveState;
import dev.watchpost.live.Observation;
import dev.watchpost.web.ApiException;
import dev.watchpost.web.Json;
import io.helidon.http.Status;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Hands reports for targets another node owns to that node, and answers the caller only with the
 * owner's answer, so a 2xx means the owner has the report. Reports to one owner travel in batches:
 * one sender per owner takes whatever is waiting when it is free, so under load a request carries
 * many reports and when idle one goes out at once. A report whose owner cannot be reached, or
 * answers that it no longer owns the target, is tried again against the owner the next rounds name
 * (a failed node's partitions move within a lease), for up to {@link #PATIENCE}; then the caller gets
 * 503 and its client retries, and nothing was acknowledged that the owner did not take.
 */
final class Forwarder implements Forwarding, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Forwarder.class);

    /** Longer than a lease and a round: a failed owner's partitions have a new owner by then. */
    static final Duration PATIENCE = Duration.ofSeconds(10);
    /** How long one request to an owner may take before its reports are asked about again. */
    static final Duration OWNER_TIMEOUT = OwnerLanes.OWNER_TIMEOUT;
    static final int BATCH = 500;
    static final String PATH = "/internal/cluster/observations";

    private final Membership membership;
    private final LiveState live;
    private final OwnerLanes<Pending> lanes;
    private final Counter forwarded;
    private final Counter retried;
    private volatile boolean closed;

    Forwarder(Membership membership, LiveState live, String secret, MeterRegistry meters) {
        this.membership = membership;
        this.live = live;
        this.lanes = new OwnerLanes<>(PATH, BATCH, "watchpost-forward", secret, this::send, (to, batch, e) -> {
            LOG.debug("event=cluster.forward_failed owner={} reports={} error=\"{}\"", to, batch.size(), e.toString());
            batch.forEach(p -> p.answer().completeExceptionally(e));
        }, left -> left.forEach(p -> p.answer().completeExceptionally(new IOException("this node is stopping"))));
        this.forwarded = Counter.builder("watchpost.cluster.forwarded").description("Reports passed to their owner")
                .register(meters);
        this.retried = Counter.builder("watchpost.cluster.forward.retries")
                .description("Forwarded reports tried again (owner moved or unreachable)").register(meters);
    }

    /** Reports passed to their owner so far (the {@code watchpost.cluster.forwarded} counter). */
    long forwarded() {
        return (long) forwarded.count();
    }

    /** What the owner said about one report. */
    enum Answer { OK, UNKNOWN, MOVED }

    private record Pending(String targetId, Observation observation, CompletableFuture<Answer> answer) {
    }

    @Override
    public LiveState.Outcome forward(String targetId, Observation o) {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        int partition = Partitions.of(targetId);
        while (!closed) {
            if (membership.owns(targetId)) {
                return live.observe(targetId, o); // taken over meanwhile: it is this node's now
            }
            Optional<URI> owner = membership.ownerUrl(partition);
            if (owner.isPresent()) {
                Pending p = new Pending(targetId, o, new CompletableFuture<>());
                lanes.offer(owner.get(), p);
                try {
                    Optional<Answer> a = await(p, owner.get(), partition, targetId, deadline);
                    if (a.isPresent() && a.get() != Answer.MOVED) {
                        forwarded.increment();
                        return a.get() == Answer.OK ? LiveState.Outcome.ACCEPTED : LiveState.Outcome.UNKNOWN_TARGET;
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            if (System.nanoTime() - deadline >= 0) {
                break;
            }
            retried.increment();
            Backoff.pause(100);
        }
        throw new ApiException(Status.SERVICE_UNAVAILABLE_503, "the node that owns target '" + targetId
                + "' cannot be reached right now; nothing was recorded, retry shortly", Map.of("retry_after_s", 2));
    }

    /**
     * The owner's answer; empty when it failed, or when the partition changed hands while this node
     * waited (an owner that hangs, paused or cut off, answers nothing until its request times out:
     * the report goes to the new owner at once instead, so a takeover is not followed by a lease
     * without the reports that kept the target up).
     */
    private Optional<Answer> await(Pending p, URI owner, int partition, String targetId, long deadline)
            throws InterruptedException {
        while (System.nanoTime() - deadline < 0) {
            try {
                return Optional.of(p.answer().get(CHECK_OWNER_EVERY.toMillis(), TimeUnit.MILLISECONDS));
            } catch (ExecutionException e) {
                return Optional.empty();
            } catch (TimeoutException e) {
                if (membership.owns(targetId) || !membership.ownerUrl(partition).equals(Optional.of(owner))) {
                    p.answer().cancel(false); // not sent yet: its lane leaves it out
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
    }

    /** How often a waiting report looks whether its partition moved. */
    static final Duration CHECK_OWNER_EVERY = Duration.ofMillis(200);

    /** One batch to its owner; reports given up by their callers meanwhile were sent to the next owner and are left out. */
    private void send(URI to, List<Pending> all) throws IOException, InterruptedException {
        List<Pending> batch = all.stream().filter(p -> !p.answer().isDone()).toList();
        if (batch.isEmpty()) {
            return;
        }
        ArrayNode body = Json.MAPPER.createArrayNode();
        for (Pending p : batch) {
            body.add(ObservationJson.write(p.targetId(), p.observation()));
        }
        JsonNode answers = Json.MAPPER.readTree(lanes.post(to, Json.MAPPER.writeValueAsBytes(body))).path("results");
        for (int i = 0; i < batch.size(); i++) {
            String a = answers.path(i).asText("moved");
            batch.get(i).answer().complete(switch (a) {
                case "ok" -> Answer.OK;
                case "unknown" -> Answer.UNKNOWN;
                default -> Answer.MOVED;
            });
        }
    }

    @Override
    public void close() {
        closed = true;
        lanes.close();
    }

    /** An observation on the wire between nodes. */
    static final class ObservationJson {
        private ObservationJson() {
        }

        static ObjectNode write(String targetId, Observation o) {
            ObjectNode n = Json.MAPPER.createObjectNode();
            n.put("target", targetId);
            n.put("kind", o.kind().name());
            if (o.state() != null) {
                n.put("state", o.state().id());
            }
            if (o.message() != null) {
                n.put("message", o.message());
            }
            if (!Double.isNaN(o.latencyMs())) {
                n.put("latency_ms", o.latencyMs());
            }
            if (o.metrics() != null) {
                n.set("metrics", o.metrics());
            }
            return n;
        }

        static Observation read(JsonNode n) {
            Observation.Kind kind = Observation.Kind.valueOf(n.path("kind").asText());
            dev.watchpost.live.State state = n.hasNonNull("state")
                    ? dev.watchpost.live.State.parse(n.get("state").asText()).orElseThrow(
                            () -> new IllegalArgumentException("unknown state " + n.get("state")))
                    : null;
            return new Observation(kind, state, n.hasNonNull("message") ? n.get("message").asText() : null,
                    n.hasNonNull("latency_ms") ? n.get("latency_ms").asDouble() : Double.NaN,
                    n.get("metrics") instanceof ObjectNode m ? m : null);
        }
    }
}
