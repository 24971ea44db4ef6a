package dev.watchpost.composite;

import dev.watchpost.store.Backoff;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.watchpost.store.StoreException;
import dev.watchpost.web.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;

/**
 * Delivers availability actions to each composite's webhook: one at a time per composite, newest
 * truth wins, retried with {@link Backoff} until delivered.
 *
 * <p>Each action is in the database (pending) before it is first tried, and each attempt's result is
 * recorded, so a restart resumes what was not delivered (at least once: an attempt cut off by a crash
 * is made again; receivers can de-duplicate by the {@code X-Watchpost-Delivery} header, the action's
 * id). A change that comes while an older action is still pending supersedes it: the booking system
 * needs the latest truth, not a replay of flips it missed, and both stay in the record. An attempt
 * already in flight finishes first, so the receiver never hears an older state after a newer one.
 *
 * <p>Requests run on virtual threads: a slow or failing receiver delays only its own composite's
 * next delivery, never assessments. {@link #deliverDue} is called by the engine's round.
 */
final class Deliveries implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Deliveries.class);

    /** What is still to be delivered for one composite: the newest pending action. */
    private record Pending(Action action, int failures, Instant due) {
    }

    private final CompositeStore store;
    private final Clock clock;
    private final Backoff backoff;
    private final Duration timeout;
    private final ExecutorService requests = Executors.newVirtualThreadPerTaskExecutor();
    /** Built on first delivery: building one loads the TLS trust store, which most servers never need here. */
    private HttpClient client; // guarded by clientLock
    private final Object clientLock = new Object();

    // guarded by this
    private final Map<String, Pending> pending = new HashMap<>();
    private final Map<String, URI> urls = new HashMap<>();
    private final Set<String> inFlight = new HashSet<>();
    private volatile boolean closed;

    Deliveries(CompositeStore store, Clock clock, Backoff backoff, Duration timeout) {
        this.store = store;
        this.clock = clock;
        this.backoff = backoff;
        this.timeout = timeout;
    }

    private HttpClient client() {
        synchronized (clientLock) {
            if (client == null) {
                client = HttpClient.newBuilder()
                        .version(HttpClient.Version.HTTP_1_1)
                        .followRedirects(HttpClient.Redirect.NEVER)
                        .connectTimeout(timeout)
                        .executor(requests)
                        .build();
            }
            return client;
        }
    }

    /**
     * Sets where a composite's actions go; a pending one goes to the new address on its next try.
     * Without a webhook, a pending action is abandoned (and marked so in the database).
     */
    void webhook(String targetId, Optional<URI> url) {
        boolean abandon;
        synchronized (this) {
            if (url.isPresent()) {
                urls.put(targetId, url.get());
                return;
            }
            urls.remove(targetId);
            abandon = pending.remove(targetId) != null;
        }
        if (abandon) {
            store.abandon(targetId, clock.instant());
        }
    }

    /** Forgets a composite (it was removed; its rows are deleted by the caller). */
    synchronized void forget(String targetId) {
        urls.remove(targetId);
        pending.remove(targetId);
    }

    /** Takes a new pending action; it replaces (supersedes) an older one of the same composite. */
    synchronized void enqueue(Action a) {
        pending.put(a.targetId(), new Pending(a, 0, a.nextAttempt().orElse(a.changedAt())));
    }

    /**
     * Takes the actions left pending by the previous run. Those of composites that no longer have
     * a webhook (or no longer exist) are abandoned.
     */
    void restore(List<Action> actions) {
        List<String> orphans = new ArrayList<>();
        synchronized (this) {
            for (Action a : actions) {
                if (!urls.containsKey(a.targetId())) {
                    orphans.add(a.targetId());
                    continue;
                }
                Pending newer = pending.get(a.targetId());
                if (newer == null || newer.action().id() < a.id()) {
                    // every attempt of a pending action failed: its count continues the back-off
                    pending.put(a.targetId(), new Pending(a, a.attempts(), a.nextAttempt().orElse(a.changedAt())));
                }
            }
        }
        Instant now = clock.instant();
        for (String id : orphans) {
            store.abandon(id, now);
        }
        if (!actions.isEmpty()) {
            LOG.info("event=composite.actions_resumed count={} abandoned={}", actions.size() - orphans.size(), orphans.size());
        }
    }

    /** Starts every delivery that is due and not waiting for one in flight. Never blocks. */
    void deliverDue(Instant now) {
        Map<Pending, URI> start = new HashMap<>();
        synchronized (this) {
            for (Map.Entry<String, Pending> e : pending.entrySet()) {
                Pending p = e.getValue();
                URI url = urls.get(e.getKey());
                if (!p.due().isAfter(now) && url != null && inFlight.add(e.getKey())) {
                    start.put(p, url);
                }
            }
        }
        for (Map.Entry<Pending, URI> s : start.entrySet()) {
            try {
                requests.execute(() -> deliver(s.getKey(), s.getValue()));
            } catch (RejectedExecutionException closing) {
                return;
            }
        }
    }

    /** Whether an action of this composite is waiting to be delivered (tests). */
    synchronized boolean hasPending(String targetId) {
        return pending.containsKey(targetId);
    }

    /** Whether a request for this composite is under way (tests). */
    synchronized boolean inFlight(String targetId) {
        return inFlight.contains(targetId);
    }

    private void deliver(Pending p, URI url) {
        Action a = p.action();
        Attempt attempt;
        try {
            attempt = post(a, url);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return; // closing: the action stays pending in the database and resumes after the restart
        }
        if (closed) {
            return;
        }
        int failures = attempt.delivered() ? p.failures() : p.failures() + 1;
        Optional<Instant> retryAt = retryAt(backoff, attempt, failures);
        try {
            store.attempted(a.id(), attempt, retryAt);
        } catch (StoreException e) {
            LOG.warn("event=composite.attempt_not_recorded id={} action={} error=\"{}\"", a.targetId(), a.id(), e.getMessage());
        }
        if (attempt.delivered()) {
            LOG.info("event=composite.webhook_delivered id={} action={} available={} status={}", a.targetId(), a.id(),
                    a.available(), attempt.statusCode().orElse(0));
        } else {
            LOG.warn("event=composite.webhook_failed id={} action={} attempt={} error=\"{}\" retry_at={}", a.targetId(),
                    a.id(), failures, attempt.error().orElse(""), retryAt.map(Instant::toString).orElse(""));
        }
        synchronized (this) {
            inFlight.remove(a.targetId());
            Pending current = pending.get(a.targetId());
            if (current != null && current.action().id() == a.id()) {
                if (retryAt.isEmpty()) {
                    pending.remove(a.targetId());
                } else {
                    pending.put(a.targetId(), new Pending(a, failures, retryAt.get()));
                }
            }
        }
    }

    private Attempt post(Action a, URI url) throws InterruptedException {
        Instant at = clock.instant();
        HttpRequest request = HttpRequest.newBuilder(url)
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .header("User-Agent", "Watchpost")
                .header("X-Watchpost-Delivery", Long.toString(a.id()))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body(a)))
                .build();
        try {
            HttpResponse<Void> response = client().send(request, HttpResponse.BodyHandlers.discarding());
            return Attempt.answered(at, url.toString(), response.statusCode());
        } catch (HttpTimeoutException e) {
            return Attempt.failed(at, url.toString(), "no answer within " + dev.watchpost.config.Durations.format(timeout));
        } catch (ConnectException e) {
            return Attempt.failed(at, url.toString(), "cannot connect: " + (e.getMessage() == null ? "connection refused" : e.getMessage()));
        } catch (IOException e) {
            return Attempt.failed(at, url.toString(), e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        }
    }

    /** The webhook's body: {@code {"target","available","healthy","issues","at"}}. */
    static byte[] body(Action a) {
        return Json.bytes((JsonGenerator g) -> {
            g.writeStartObject();
            g.writeStringField("target", a.targetId());
            g.writeBooleanField("available", a.available());
            g.writeBooleanField("healthy", a.healthy());
            g.writeArrayFieldStart("issues");
            for (String i : a.issues()) {
                g.writeString(i);
            }
            g.writeEndArray();
            g.writeStringField("at", a.changedAt().toString());
            g.writeEndObject();
        });
    }

    @Override
    public void close() {
        closed = true;
        requests.shutdownNow();
        synchronized (clientLock) {
            if (client != null) {
                client.shutdownNow();
            }
        }
    }

    /**
     * The decision after an attempt: empty when it was delivered (nothing more to do), else when to
     * try again.
     *
     * @param failures failed attempts so far, this one included when it failed
     */
    static Optional<Instant> retryAt(Backoff backoff, Attempt attempt, int failures) {
        return attempt.delivered() ? Optional.empty() : Optional.of(attempt.at().plus(backoff.delay(failures)));
    }
}
