package dev.watchpost.page;

import dev.watchpost.auth.Access;
import dev.watchpost.composite.CompositeDef;
import dev.watchpost.history.Bucket;
import dev.watchpost.history.DayBar;
import dev.watchpost.history.History;
import dev.watchpost.history.Uptime;
import dev.watchpost.live.GroupView;
import dev.watchpost.live.Held;
import dev.watchpost.live.LiveState;
import dev.watchpost.live.Snapshot;
import dev.watchpost.live.TargetView;
import dev.watchpost.live.Transition;
import dev.watchpost.notice.NoticeService;
import dev.watchpost.probe.ProbeScheduler;
import dev.watchpost.probe.RecentChecks;
import dev.watchpost.store.StoreException;
import dev.watchpost.targets.TargetDecl;
import dev.watchpost.targets.Topology;
import dev.watchpost.targets.TopologyStore;
import dev.watchpost.web.ApiException;
import dev.watchpost.web.Templates;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code GET /targets/{id}}: one target's page (ids contain slashes), a read route like the status
 * page. Its state, uptime over 24 h / 7 d / 30 d / 1 y, 90 day bars, a response-time chart over
 * {@code ?range=24h|7d|30d|1y}, the transitions and notices that touched it, a composite's parts, a
 * shard's message and metrics. Rendered per request (nothing cached: each request reads its
 * history, a handful of index range scans; see docs/benchmarks.md).
 *
 * <p>An unknown target is 404 and a bad {@code range} 400: an HTML page for browsers, the JSON error
 * for clients that ask for {@code application/json}.
 *
 * <p>The dashboard's target page shows the same history section, read and built here too ({@link #history}).
 */
public final class TargetRoutes implements HttpService {

    /** The newest transitions listed. */
    static final int TRANSITIONS = 25;
    /** Notices finished this long ago or less are still listed. */
    static final Duration NOTICES_RECENT = Duration.ofDays(30);
    static final int DAYS = StatusView.DAYS;

    /** Where the page's data comes from. */
    public record Sources(LiveState live, Topology topology, TopologyStore transitions, History history,
                          NoticeService notices, ProbeScheduler probes) {
        public Sources {
            Objects.requireNonNull(live, "live");
            Objects.requireNonNull(topology, "topology");
            Objects.requireNonNull(transitions, "transitions");
            Objects.requireNonNull(history, "history");
            Objects.requireNonNull(notices, "notices");
            Objects.requireNonNull(probes, "probes");
        }
    }

    /**
     * One part of a composite as it is now.
     *
     * @param target the part's view when it names a target that exists
     * @param group  the group's roll-up when it names a group
     */
    record Part(String id, boolean required, Optional<TargetView> target, Optional<GroupView> group) {
    }

    /**
     * Everything one target page shows, read at once by {@link #load}.
     *
     * @param groups             the target's group and the groups around it, outermost first
     * @param checks             its recent checks (probed targets), oldest first
     * @param uptime             empty when it has no history (or it could not be read)
     * @param latency            the buckets of the chart's range
     * @param historyUnavailable the database could not be read: uptime, bars and chart are missing
     * @param transitions        newest first
     */
    record Data(TargetView view, Instant now, Optional<TargetDecl> decl, List<GroupView> groups, Optional<Held> held,
                List<Part> parts, List<RecentChecks.Result> checks, Optional<Uptime> uptime, List<DayBar> days,
                List<Bucket> latency, boolean historyUnavailable, List<Transition> transitions,
                boolean transitionsUnavailable, List<Notices.Notice> notices, List<Locations.Result> locations) {
    }

    private final Sources sources;
    private final Access access;
    private final Clock clock;
    private final Locations locations;
    private final PageRoutes pages;

    /** @param pages the status page, whose look (name, logo, accent, Fleet tab) target pages share */
    public TargetRoutes(Sources sources, Access access, Clock clock, PageRoutes pages) {
        this(sources, access, clock, pages, Locations.of(sources.probes()));
    }

    TargetRoutes(Sources sources, Access access, Clock clock, PageRoutes pages, Locations locations) {
        this.pages = Objects.requireNonNull(pages, "pages");
        this.sources = Objects.requireNonNull(sources, "sources");
        this.access = Objects.requireNonNull(access, "access");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.locations = Objects.requireNonNull(locations, "locations");
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/targets/{+target}", access.read(this::page));
    }

    private void page(ServerRequest req, ServerResponse res) {
        String id = req.path().pathParameters().get("target");
        Optional<String> asked = req.query().first("range").asOptional();
        Optional<ChartRange> range = asked.isEmpty() ? Optional.of(ChartRange.DEFAULT) : asked.flatMap(ChartRange::parse);
        res.header(HeaderNames.CACHE_CONTROL, "no-cache");
        if (range.isEmpty()) {
            problem(req, res, Status.BAD_REQUEST_400, "Bad request", badRange(asked.get()), Optional.of(id));
            return;
        }
        Optional<Data> data = load(id, range.get(), access.seesPrivate(req));
        if (data.isEmpty()) {
            problem(req, res, Status.NOT_FOUND_404, "Not found", "no target '" + shorten(id) + "'", Optional.empty());
            return;
        }
        byte[] html = TargetPageView.render(pages.layout(), pages.fleetTab(req), data.get(), range.get());
        res.header(HeaderNames.CONTENT_TYPE, "text/html; charset=utf-8");
        res.header(HeaderNames.VARY, "Accept-Encoding");
        Assets.sendMaybeGzip(req, res, html, html.length > 1_400 ? Assets.gzip(html) : null);
    }

    /** Why {@code asked} is no range of the chart, saying which are. */
    private static String badRange(String asked) {
        return "range must be one of " + ChartRange.allowed() + " (got '" + shorten(asked) + "')";
    }

    /** A {@code range} the chart does not offer; the message says which it does. */
    public static final class BadRange extends IllegalArgumentException {
        BadRange(String asked) {
            super(badRange(asked));
        }
    }

    /**
     * The history section of {@code id}'s page ({@link TargetHistory}: uptime, day bars, the
     * response-time chart over {@code range} with the recent checks of a probed target, a composite's
     * parts), read by {@link #load} as for the status page, for the dashboard's target page: every
     * target, private ones and private parts too (only operators reach the dashboard).
     *
     * @param range what {@code ?range=} said; "" for the default
     * @param links where its links go: the dashboard's own pages
     * @return empty when there is no such target
     * @throws BadRange when {@code range} is not one the chart offers
     */
    public Optional<TargetHistory> history(String id, String range, TargetHistory.Links links) {
        ChartRange r = range.isEmpty() ? ChartRange.DEFAULT : ChartRange.parse(range).orElseThrow(() -> new BadRange(range));
        return load(id, r, true).map(d -> TargetPageView.history(d, r, links, pages.layout().times()));
    }

    /**
     * Everything the page of {@code id} shows, or empty when there is no such target or this reader
     * may not see it (a private target, without a token: as if it did not exist): the one place its
     * data is read, and so the one place to decide who may see which target.
     *
     * @param seesPrivate the reader has a token: private targets and a composite's private parts are shown
     *
     * <p>The live state is in memory and always answers; history, transitions and notices that the
     * database cannot give now are left out and marked so, without waiting for it.
     */
    Optional<Data> load(String id, ChartRange range, boolean seesPrivate) {
        Optional<TargetView> found = sources.live().target(id)
                .filter(t -> seesPrivate || sources.live().isPublic(id));
        if (found.isEmpty()) {
            return Optional.empty();
        }
        TargetView v = found.get();
        Instant now = clock.instant();
        Snapshot s = sources.live().snapshot();
        Map<String, GroupView> groups = new HashMap<>();
        for (GroupView g : s.groups()) {
            groups.put(g.id(), g);
        }
        List<GroupView> chain = new ArrayList<>();
        for (String g = v.groupId(); g != null && groups.containsKey(g) && chain.size() < 16; g = groups.get(g).parentId()) {
            chain.add(0, groups.get(g));
        }
        Optional<TargetDecl> decl = sources.topology().declaration(id);
        List<Part> parts = new ArrayList<>();
        decl.flatMap(TargetDecl::composite).ifPresent(c -> parts.addAll(parts(c, groups).stream()
                .filter(p -> seesPrivate || sources.live().isPublic(p.id())).toList()));
        List<RecentChecks.Result> checks = v.kind().probed() ? sources.probes().recent(id) : List.of();

        Optional<Uptime> uptime = Optional.empty();
        List<DayBar> days = List.of();
        List<Bucket> latency = List.of();
        boolean historyUnavailable = !sources.history().available();
        if (!historyUnavailable) {
            try {
                History h = sources.history();
                uptime = h.uptime(id, now);
                days = h.days(id, DAYS, pages.layout().times().zone(), now);
                latency = h.buckets(id, range.source(), Instant.ofEpochMilli(range.startMs(now.toEpochMilli())), now);
            } catch (StoreException e) {
                historyUnavailable = true;
            }
        }
        List<Transition> transitions = List.of();
        boolean transitionsUnavailable = historyUnavailable;
        if (!transitionsUnavailable) {
            try {
                transitions = sources.transitions().recentTransitions(v.ref(), TRANSITIONS);
            } catch (StoreException e) {
                transitionsUnavailable = true;
            }
        }
        return Optional.of(new Data(v, now, decl, chain, sources.live().held(id), parts, checks, uptime, days, latency,
                historyUnavailable, transitions, transitionsUnavailable, notices(v, chain, now), locations.of(id)));
    }

    private List<Part> parts(CompositeDef c, Map<String, GroupView> groups) {
        List<Part> out = new ArrayList<>(c.parts().size());
        for (String part : c.parts()) {
            out.add(new Part(part, c.isRequired(part), sources.live().target(part), Optional.ofNullable(groups.get(part))));
        }
        return out;
    }

    /** Current notices and those finished within {@link #NOTICES_RECENT} that name the target or a group around it. */
    private List<Notices.Notice> notices(TargetView v, List<GroupView> chain, Instant now) {
        java.util.Set<String> names = new java.util.HashSet<>();
        names.add(v.id());
        chain.forEach(g -> names.add(g.id()));
        var board = sources.notices().board(now, NOTICES_RECENT);
        List<Notices.Notice> out = new ArrayList<>();
        for (var list : List.of(board.current(), board.recent())) {
            for (dev.watchpost.notice.Notice n : list) {
                if (n.targets().stream().anyMatch(names::contains)) {
                    out.add(Notices.page(n, now, pages.layout().times()));
                }
            }
        }
        return out;
    }

    private void problem(ServerRequest req, ServerResponse res, Status status, String title, String message,
                         Optional<String> target) {
        if (wantsJson(req)) {
            throw new ApiException(status, message);
        }
        byte[] html = Templates.bytes("page/problem.jte", new Problem(pages.layout().shell(title, Layout.Nav.STATUS, false, pages.fleetTab(req)),
                title, message, target.map(TargetPageView::href).orElse(null)), 2_048);
        res.status(status);
        res.header(HeaderNames.CONTENT_TYPE, "text/html; charset=utf-8");
        res.send(html);
    }

    /** An error page ({@code page/problem.jte}); {@code retry} links the target's page without the bad query, or null. */
    record Problem(Layout.Shell shell, String title, String message, String retry) {
    }

    /** JSON only for a client that asks for it and not for HTML: a browser's {@code Accept} names text/html. */
    static boolean wantsJson(ServerRequest req) {
        String accept = req.headers().first(HeaderNames.ACCEPT).orElse("");
        return accept.contains("application/json") && !accept.contains("text/html");
    }

    private static String shorten(String s) {
        return s.length() > 64 ? s.substring(0, 63) + "…" : s;
    }
}
