package dev.watchpost.feed;

import dev.watchpost.auth.Access;
import dev.watchpost.live.GroupView;
import dev.watchpost.live.LiveState;
import dev.watchpost.live.Snapshot;
import dev.watchpost.live.Transition;
import dev.watchpost.live.TransitionListener;
import dev.watchpost.live.ViewJson;
import dev.watchpost.web.ApiException;
import dev.watchpost.web.Json;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The native read API over the live state: {@code GET /api/v1/snapshot} (with ETag),
 * {@code GET /api/v1/stream} (Server-Sent Events: a snapshot, then one event per transition) and
 * {@code GET /api/v1/guilds/{guild_id}} (Discord guild → shard in every sharded group).
 *
 * <p>Every transition event has an id ({@code <epoch>.<seq>}); a viewer that reconnects with
 * {@code Last-Event-ID}, or opens the stream with {@code ?since=<epoch>.<position>} (the status page
 * does, with the position its snapshot includes, {@link Snapshot#mark()}), gets the events it missed
 * and a {@code resumed} event instead of the snapshot, while they are still held ({@link Recent}).
 */
public final class FeedRoutes implements HttpService, TransitionListener, AutoCloseable {

    static final int QUEUE = 2_048;
    /** Events held for viewers that resume: a few hundred kilobytes, more than a burst of shard changes. */
    static final int RECENT = 4_096;

    /**
     * An SSE event framed once ({@link SseWriter#frame}) and written as is to every subscriber that
     * may see it: {@code isPublic} is false for a change of a private target, which only readers with
     * a token get.
     */
    record Event(long seq, byte[] frame, boolean isPublic) {
    }

    private final LiveState live;
    private final Access access;
    private final Duration keepAlive;
    private final Fanout<Event> fanout = new Fanout<>(QUEUE);
    private final Recent recent = new Recent(RECENT);

    /** @param keepAlive how long the stream may stay quiet before a keep-alive comment is sent */
    public FeedRoutes(LiveState live, Access access, MeterRegistry meters, Duration keepAlive) {
        this.live = live;
        this.access = access;
        this.keepAlive = keepAlive;
        Gauge.builder("watchpost.stream.subscribers", fanout, Fanout::size)
                .description("Live-feed (SSE) clients connected now").register(meters);
        Gauge.builder("watchpost.stream.dropped", fanout, Fanout::dropped)
                .description("Live-feed clients dropped for falling behind").register(meters);
    }

    /** The newest event's position: what a snapshot built from now on includes (wired to {@link LiveState#markSnapshotsWith}). */
    public long position() {
        return recent.lastSeq();
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/api/v1/snapshot", access.read(this::snapshot))
                .get("/api/v1/stream", access.read(this::stream))
                .get("/api/v1/guilds/{guild}", access.read(this::guild));
    }

    /** Each recorded change, framed once for every viewer (wired to the live state by the composition root). */
    @Override
    public void onTransitions(List<Transition> transitions) {
        // One at a time: in cluster mode other nodes' changes arrive on another thread than this
        // node's own, and each event's number must be handed out, held and published in one order.
        synchronized (recent) {
            publish(transitions);
        }
    }

    private void publish(List<Transition> transitions) {
        for (Transition t : transitions) {
            long seq = recent.nextSeq();
            byte[] frame = SseWriter.frame(live.epoch() + "." + seq, "transition", Json.bytes(g -> ViewJson.transition(g, t)));
            boolean isPublic = live.isPublic(t.targetId());
            recent.add(new Recent.Entry(seq, frame, isPublic));
            fanout.publish(new Event(seq, frame, isPublic));
        }
    }

    static byte[] encode(Snapshot s) {
        return Json.bytes(g -> {
            g.writeStartObject();
            g.writeNumberField("version", s.version());
            g.writeStringField("generated_at", s.generatedAt().toString());
            g.writeArrayFieldStart("groups");
            for (GroupView v : s.groups()) {
                ViewJson.group(g, v);
            }
            g.writeEndArray();
            g.writeArrayFieldStart("targets");
            try {
                s.forEachTarget(v -> {
                    try {
                        ViewJson.target(g, v);
                    } catch (java.io.IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    private void snapshot(ServerRequest req, ServerResponse res) {
        Snapshot full = live.snapshot();
        Snapshot s = access.seesPrivate(req) ? full : full.publicView();
        // The same version reads differently with and without a token: the tags differ too.
        String etag = "\"" + s.version() + (s == full ? "" : "-p") + "\"";
        res.header(HeaderNames.ETAG, etag);
        res.header(HeaderNames.CACHE_CONTROL, "no-cache");
        if (req.headers().first(HeaderNames.IF_NONE_MATCH).map(v -> v.contains(etag)).orElse(false)) {
            res.status(Status.NOT_MODIFIED_304).send();
            return;
        }
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.header(HeaderNames.VARY, "Accept-Encoding");
        if (req.headers().first(HeaderNames.ACCEPT_ENCODING).map(v -> v.contains("gzip")).orElse(false)) {
            res.header(HeaderNames.CONTENT_ENCODING, "gzip");
            res.send(s.gzip(FeedRoutes::encode));
        } else {
            res.send(s.json(FeedRoutes::encode));
        }
    }

    private void stream(ServerRequest req, ServerResponse res) {
        res.header(HeaderNames.CACHE_CONTROL, "no-cache");
        res.header(HeaderNames.create("X-Accel-Buffering"), "no");
        res.header(HeaderNames.CONTENT_TYPE, "text/event-stream");
        boolean all = access.seesPrivate(req);
        long known = recent.lastSeq(); // events up to here are in any snapshot built after subscribing
        Fanout.Subscription<Event> sub = fanout.subscribe(); // before the snapshot or the replay: nothing falls in between
        // After subscribing: whatever is published from here on is in the queue, anything before in
        // the replay; what is in both is sent once, in order (by sequence number).
        Optional<List<Recent.Entry>> missed = resumeFrom(req);
        // The events are written as SSE text by hand: Helidon's SSE sink fails on a comment-only
        // event (it tries to serialise its "no data" marker), which closed every quiet stream at
        // its first keep-alive.
        try (SseWriter out = new SseWriter(res.outputStream())) {
            out.retry(Duration.ofSeconds(2));
            long sent = 0;
            if (missed.isPresent()) {
                int replayed = 0;
                for (Recent.Entry e : missed.get()) {
                    if (all || e.isPublic()) { // a private change is not even counted for readers without a token
                        out.write(e.frame());
                        replayed++;
                    }
                    sent = e.seq();
                }
                // everything up to its id is now with the viewer: a later reconnect resumes from there
                out.write(SseWriter.frame(live.epoch() + "." + Math.max(sent, known), "resumed",
                        ("{\"replayed\":" + replayed + "}").getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
            } else {
                Snapshot fresh = live.freshSnapshot(); // no older than the subscription: nothing falls in between
                Snapshot s = all ? fresh : fresh.publicView();
                out.id(live.epoch() + "." + known);
                out.write(SseWriter.frame("snapshot", s.json(FeedRoutes::encode)));
            }
            while (!sub.closed()) {
                Event e = sub.poll(keepAlive);
                if (e == null) {
                    if (sub.closed()) {
                        break;
                    }
                    out.keepAlive();
                } else {
                    // what arrived together leaves together: one write to the socket for a burst
                    boolean any = false;
                    for (; e != null; e = sub.pollNow()) {
                        if (e.seq() > sent && (all || e.isPublic())) {
                            out.append(e.frame());
                            sent = e.seq();
                            any = true;
                        }
                    }
                    if (any) { // nothing for this reader (a private change): nothing to send, not even an empty write
                        out.flush();
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | UncheckedIOException e) {
            // the client went away
        } finally {
            sub.close();
        }
    }

    /**
     * The events a resuming viewer missed, or empty when it must start from a snapshot: no resume
     * point, one from another server run (or node), or one older than what is held.
     */
    private Optional<List<Recent.Entry>> resumeFrom(ServerRequest req) {
        String prefix = live.epoch() + ".";
        // the header from a browser's own reconnect; the parameter from a page reopening the stream itself
        Optional<String> lastId = req.headers().first(HeaderNames.create("Last-Event-ID"))
                .or(() -> req.query().first("last").asOptional());
        if (lastId.isPresent()) {
            return number(lastId.get(), prefix).flatMap(recent::after);
        }
        // a page: the feed position its snapshot includes (Snapshot#mark)
        Optional<String> since = req.query().first("since").asOptional();
        if (since.isPresent()) {
            return number(since.get(), prefix).flatMap(recent::after);
        }
        return Optional.empty();
    }

    /** The number after this run's epoch in {@code <epoch>.<n>}; empty for anything else (a stale or foreign id is not an error). */
    private static Optional<Long> number(String value, String prefix) {
        if (!value.startsWith(prefix) || value.length() - prefix.length() > 18) {
            return Optional.empty();
        }
        try {
            long n = Long.parseLong(value.substring(prefix.length()));
            return n < 0 ? Optional.empty() : Optional.of(n);
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private void guild(ServerRequest req, ServerResponse res) {
        String raw = req.path().pathParameters().get("guild");
        long guild = Guilds.parse(raw);
        List<Guilds.Placement> placements = Guilds.place(guild, live, access.seesPrivate(req));
        Json.stream(res, Status.OK_200, g -> {
            g.writeStartObject();
            g.writeStringField("guild_id", Long.toUnsignedString(guild));
            g.writeArrayFieldStart("groups");
            for (Guilds.Placement p : placements) {
                g.writeStartObject();
                g.writeStringField("group", p.groupId());
                g.writeStringField("cluster", p.cluster());
                g.writeNumberField("shards", p.shards());
                g.writeNumberField("shard", p.shard());
                g.writeStringField("target", p.targetId());
                g.writeStringField("state", p.state().id());
                g.writeNumberField("state_code", p.state().code());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    @Override
    public void close() {
        fanout.closeAll();
    }

    static ApiException badGuild(String raw, String why) {
        return ApiException.badRequest("guild id '" + raw + "' " + why);
    }
}
