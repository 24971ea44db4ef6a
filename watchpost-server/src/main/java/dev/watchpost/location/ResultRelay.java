package dev.watchpost.location;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.watchpost.cluster.OwnerLanes;
import dev.watchpost.probe.ProbeScheduler;
import dev.watchpost.web.Json;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Cluster mode: passes a prober's results for targets another node owns to that node, which applies
 * them exactly as if the prober had posted them there ({@link RelayRoutes}). A prober may so talk to
 * any node, and its answer does not wait on another node: the results are counted {@code forwarded}
 * and go on in the background.
 *
 * <p>One lane per owner ({@code cluster.OwnerLanes}, as push reports have): a virtual thread that
 * sends whatever waits for that owner, at most {@link ResultBatch#MAX_RESULTS} results a request, so a prober's
 * batch travels whole when it can and the owner gets a location's results in the order they came.
 * A result the owner no longer owns ({@code moved}), or whose request failed, is routed again
 * against the owner the cluster names then (a failed node's partitions move within a lease); one
 * whose partition has no owner at the moment waits a little; one that falls to this node is
 * applied here. After {@link #PATIENCE} a result is dropped, counted in
 * {@code watchpost.prober.relay.dropped} and logged once per group: only its location's history
 * loses it, since by then it is too old to count in any quorum (a quorum's live window is twice the
 * interval plus a grace), and the node that took it already answered the prober. Memory only: what
 * waits when the node stops is lost the same way, and at most {@link #MAX_WAITING} results wait.
 */
public final class ResultRelay implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ResultRelay.class);

    static final String PATH = "/internal/cluster/prober-results";
    /** Longer than a lease and a few rounds: a failed owner's partitions have a new owner by then. */
    static final Duration PATIENCE = Duration.ofSeconds(60);
    static final Duration RETRY_AFTER = Duration.ofMillis(500);
    /** Results waiting for their owners, at most: a minute of 1,000 results a second and more. */
    static final int MAX_WAITING = 100_000;

    private final Function<String, Optional<URI>> ownerUrl;
    private final ProbeScheduler probes;
    private final OwnerLanes<Item> lanes;
    private final ScheduledExecutorService later = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "watchpost-relay-retry");
        t.setDaemon(true);
        return t;
    });
    private final AtomicInteger waiting = new AtomicInteger();
    private final Counter relayed;
    private final Counter dropped;
    private volatile boolean closed;

    /**
     * @param ownerUrl where the owner of a target is reached; empty when this node owns it, or nobody does at the moment
     * @param probes   this node's scheduler: a result whose target falls to this node meanwhile is applied here
     * @param secret   the cluster secret, which the owner asks of a node
     */
    public ResultRelay(Function<String, Optional<URI>> ownerUrl, ProbeScheduler probes, String secret, MeterRegistry meters) {
        this.ownerUrl = ownerUrl;
        this.probes = probes;
        this.lanes = new OwnerLanes<>(PATH, ResultBatch.MAX_RESULTS, "watchpost-relay", secret, this::send, (to, batch, e) -> {
            LOG.debug("event=prober.relay_failed owner={} results={} error=\"{}\"", to, batch.size(), e.toString());
            later(batch); // the owner may have moved: asked again shortly
        }, left -> drop(left, "the node stopped"));
        this.relayed = Counter.builder("watchpost.prober.relayed")
                .description("Prober results passed to the node that owns their target, and taken there").register(meters);
        this.dropped = Counter.builder("watchpost.prober.relay.dropped")
                .description("Prober results no owner took in time (lost to their location's history)").register(meters);
    }

    /** A result on its way, and when it is given up (System.nanoTime). */
    private record Item(String location, ResultBatch.Result result, long deadline) {
    }

    /**
     * Hands {@code results} of {@code location} (which this node found another node owns) to their
     * owners, and returns at once.
     *
     * @return how many were taken on (the others, past {@link #MAX_WAITING}, are dropped and logged)
     */
    int pass(String location, List<ResultBatch.Result> results) {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        List<Item> items = new ArrayList<>(results.size());
        List<Item> over = new ArrayList<>();
        for (ResultBatch.Result r : results) {
            Item item = new Item(location, r, deadline);
            if (waiting.incrementAndGet() > MAX_WAITING) {
                over.add(item);
            } else {
                items.add(item);
            }
        }
        drop(over, "too many results already wait for their owners (" + MAX_WAITING + ")");
        route(items);
        return items.size();
    }

    /** Sends each item to its target's owner now, applies it here if that is this node, or tries again shortly. */
    private void route(List<Item> items) {
        if (items.isEmpty()) {
            return;
        }
        long now = System.nanoTime();
        List<Item> late = new ArrayList<>();
        List<Item> again = new ArrayList<>();
        for (Item item : items) {
            if (closed || now - item.deadline() >= 0) {
                late.add(item);
                continue;
            }
            String target = item.result().target();
            Optional<URI> owner = ownerUrl.apply(target);
            if (owner.isPresent()) {
                lanes.offer(owner.get(), item);
                continue;
            }
            ProbeScheduler.Reported fate = probes.report(target, item.location(), item.result().result(), item.result().at());
            if (fate == ProbeScheduler.Reported.ELSEWHERE) {
                again.add(item); // nobody owns its partition at the moment: a new owner comes within a lease
            } else {
                done(1);
            }
        }
        drop(late, closed ? "the node stopped" : "no owner took them within " + PATIENCE.toSeconds() + " s");
        later(again);
    }

    private void later(List<Item> items) {
        if (items.isEmpty()) {
            return;
        }
        try {
            later.schedule(() -> route(items), RETRY_AFTER.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            drop(items, "the node stopped");
        }
    }

    private void done(int n) {
        waiting.addAndGet(-n);
    }

    private void drop(List<Item> items, String why) {
        if (items.isEmpty()) {
            return;
        }
        done(items.size());
        dropped.increment(items.size());
        Item first = items.get(0);
        LOG.warn("event=prober.relay_dropped location={} results={} first_target={} reason=\"{}\" hint=\"they were "
                + "for targets another node owns; lost to the location's history only\"", first.location(), items.size(),
                first.result().target(), why);
    }

    /** One request for what waits, grouped by location in the order it came; each result's answer decides its fate. */
    private void send(URI to, List<Item> batch) throws IOException, InterruptedException {
        Map<String, List<Item>> byLocation = new LinkedHashMap<>();
        for (Item item : batch) {
            byLocation.computeIfAbsent(item.location(), l -> new ArrayList<>()).add(item);
        }
        ObjectNode body = Json.MAPPER.createObjectNode();
        ArrayNode groups = body.putArray("batches");
        for (Map.Entry<String, List<Item>> e : byLocation.entrySet()) {
            ObjectNode g = groups.addObject();
            g.put("location", e.getKey());
            ArrayNode list = g.putArray("results");
            for (Item item : e.getValue()) {
                ResultBatch.Result r = item.result();
                list.add(ResultBatch.json(r.target(), r.at(), r.result()));
            }
        }
        JsonNode answers = Json.MAPPER.readTree(lanes.post(to, Json.MAPPER.writeValueAsBytes(body))).path("batches");
        List<Item> moved = new ArrayList<>();
        int taken = 0;
        int g = 0;
        for (List<Item> items : byLocation.values()) {
            JsonNode fates = answers.path(g++);
            for (int i = 0; i < items.size(); i++) {
                String fate = fates.path(i).asText("moved");
                if (fate.equals("moved")) {
                    moved.add(items.get(i));
                } else {
                    // taken (current, history, duplicate), or refused by the owner (not assigned there any more):
                    // either way nothing more to do for it
                    taken++;
                }
            }
        }
        done(taken);
        relayed.increment(taken);
        route(moved);
    }

    @Override
    public void close() {
        closed = true;
        lanes.close();
        later.shutdownNow();
    }
}
