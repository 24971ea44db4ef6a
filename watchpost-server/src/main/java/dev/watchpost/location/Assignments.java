package dev.watchpost.location;

import com.fasterxml.jackson.databind.JsonNode;
import dev.watchpost.config.Durations;
import dev.watchpost.probe.ProbePlan;
import dev.watchpost.probe.ProbeScheduler;
import dev.watchpost.targets.TargetDecl;
import dev.watchpost.targets.Topology;
import dev.watchpost.targets.TopologyListener;
import dev.watchpost.web.Json;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Collection;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The checks each remote location runs, as its prober fetches them: every probed target whose
 * {@code locations} name it, or are {@code all}, unless paused; each with its check exactly as
 * declared, secrets included (headers, a body, credentials in a URL), since the prober has to send
 * them. Only an authenticated prober gets this; everyone else reads declarations redacted.
 *
 * <p>A topology listener: every target defined, replaced or removed moves a generation and wakes
 * the long polls, which answer as soon as their own location's set differs from what the prober
 * holds (its ETag, a hash of the answer, so it also survives a restart). A location's answer is
 * built once per generation and shared by its polls.
 */
public final class Assignments implements TopologyListener, AutoCloseable {

    /** The longest a poll is held: under any proxy's idle timeout, and under the server's own (5 min). */
    static final Duration MAX_WAIT = Duration.ofSeconds(60);

    /**
     * One location's assignments.
     *
     * @param etag    a strong ETag, quoted: the first 128 bits of the body's SHA-256
     * @param body    the JSON answer
     * @param targets how many targets it holds
     */
    record Answer(String etag, byte[] body, int targets) {
    }

    private record Cached(long generation, Answer answer) {
    }

    private final Supplier<? extends Collection<TargetDecl>> declarations;
    private final ProbeScheduler.Settings limits;
    private final AtomicLong generation = new AtomicLong();
    private final ConcurrentHashMap<String, Cached> cache = new ConcurrentHashMap<>();
    private volatile CompletableFuture<Void> nextChange = new CompletableFuture<>();
    private volatile boolean closed;

    /** @param limits the server's probe limits, which its probers run under too */
    public Assignments(Topology topology, ProbeScheduler.Settings limits) {
        this(topology::declarations, limits);
    }

    Assignments(Supplier<? extends Collection<TargetDecl>> declarations, ProbeScheduler.Settings limits) {
        this.declarations = declarations;
        this.limits = java.util.Objects.requireNonNull(limits, "limits");
    }

    @Override
    public void defined(TargetDecl target) {
        changed();
    }

    @Override
    public void removed(String targetId) {
        changed();
    }

    /**
     * Any target changed (the polls find out whether it was one of theirs). Every change, not only
     * probed targets': a target that stops being probed (redeclared as another kind) must leave the
     * assignments too, and changes through the API are rare.
     */
    private synchronized void changed() {
        generation.incrementAndGet();
        CompletableFuture<Void> woken = nextChange;
        nextChange = new CompletableFuture<>();
        woken.complete(null);
    }

    /** {@code location}'s assignments now. */
    Answer current(String location) {
        long g = generation.get(); // read first: a change while building makes this entry stale, not wrong
        Cached c = cache.get(location);
        if (c != null && c.generation() == g) {
            return c.answer();
        }
        Answer a = build(location);
        if (cache.size() >= Probers.MAX) {
            cache.clear(); // more names than locations exist: never grows without bound
        }
        cache.put(location, new Cached(g, a));
        return a;
    }

    /**
     * The assignments once they differ from what the prober holds ({@code held}, its
     * {@code If-None-Match}), waiting up to {@code wait}; empty when they still match then (or the
     * server is stopping). Without {@code held}, at once. Blocks the calling (virtual) thread.
     */
    Optional<Answer> await(String location, Optional<String> held, Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            CompletableFuture<Void> woken = nextChange; // taken before reading: a change after this wakes us
            Answer a = current(location);
            if (held.isEmpty() || !held.get().contains(a.etag())) {
                return Optional.of(a);
            }
            long left = deadline - System.nanoTime();
            if (left <= 0 || closed) {
                return Optional.empty();
            }
            try {
                woken.get(left, TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                return Optional.empty();
            } catch (ExecutionException e) {
                throw new IllegalStateException(e.getCause());
            }
        }
    }

    /** The targets checked from {@code location} now, by id: probed, not paused, declared for it (by name or {@code all}). */
    public List<TargetDecl> checkedFrom(String location) {
        return declarations.get().stream()
                .filter(d -> d.probe().isPresent() && !d.paused() && d.probe().get().locations().uses(location))
                .sorted(Comparator.comparing(TargetDecl::id))
                .toList();
    }

    private Answer build(String location) {
        List<TargetDecl> assigned = checkedFrom(location);
        byte[] body = Json.bytes(g -> {
            g.writeStartObject();
            g.writeStringField("location", location);
            g.writeObjectFieldStart("limits");
            g.writeNumberField("max_concurrent", limits.maxConcurrent());
            g.writeNumberField("max_per_host", limits.maxPerHost());
            g.writeEndObject();
            g.writeArrayFieldStart("targets");
            for (TargetDecl d : assigned) {
                ProbePlan plan = d.probe().orElseThrow();
                String kind = d.kind().id();
                g.writeStartObject();
                g.writeStringField("id", d.id());
                g.writeStringField("kind", kind);
                g.writeStringField("every", Durations.format(plan.every()));
                g.writeStringField("timeout", Durations.format(plan.check().timeout()));
                JsonNode section = d.spec().get(kind); // as declared: unredacted, the prober sends it
                g.writeFieldName(kind);
                g.writeTree(section);
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        });
        return new Answer(etag(body), body, assigned.size());
    }

    private static String etag(byte[] body) {
        try {
            byte[] sha = MessageDigest.getInstance("SHA-256").digest(body);
            return "\"" + HexFormat.of().formatHex(sha, 0, 16) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** Stopping: held polls answer at once (304), so the server need not wait for them. */
    @Override
    public void close() {
        closed = true;
        changed();
    }
}
