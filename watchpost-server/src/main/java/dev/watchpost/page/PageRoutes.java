package dev.watchpost.page;

import dev.watchpost.auth.Access;
import dev.watchpost.config.ConfigException;
import dev.watchpost.config.WatchpostConfig;
import dev.watchpost.history.Bucket;
import dev.watchpost.history.History;
import dev.watchpost.history.Resolution;
import dev.watchpost.live.LiveState;
import dev.watchpost.live.Snapshot;
import dev.watchpost.live.TargetView;
import dev.watchpost.store.StoreException;
import dev.watchpost.web.ApiException;
import dev.watchpost.web.Json;
import dev.watchpost.web.Templates;
import dev.watchpost.web.Times;
import dev.watchpost.web.Responses;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The public pages and badges:
 * <ul>
 *   <li>{@code GET /}: the status page ({@code ?guild=<id>} marks that guild's shards without
 *       JavaScript); {@code GET /status.json}: its banner and group summaries for the live module;</li>
 *   <li>{@code GET /fleet}, {@code /fleet/{fleet}}, {@code /fleet/{fleet}/{cluster}}: the Argus drill-down;</li>
 *   <li>{@code GET /badge/{target}/status.svg}, {@code /uptime.svg?window=30d}, {@code /shields.json}:
 *       badges, and Shields.io's endpoint JSON;</li>
 *   <li>{@code GET /assets/{name}}: the stylesheet and browser modules from the jar, and the page's
 *       look (accent stylesheet, logo, favicon; also at {@code /favicon.ico});</li>
 *   <li>{@code GET /robots.txt}: what search engines may index.</li>
 * </ul>
 * Pages and badges are read routes (public unless {@code auth.public-read: false}); assets and
 * robots.txt hold no data and are always served.
 *
 * <p><b>Who sees what.</b> Readers without a token see the public view of the snapshot: private
 * targets and groups are absent from the page, {@code /status.json} and badges (404, as for an
 * unknown target). Readers with a read or admin token see everything. The banner is the public
 * verdict for everyone: decided over public targets only, those {@code status-page.banner} chooses.
 *
 * <p><b>Cost.</b> History for the page is read in one batch for all non-shard targets and kept until
 * the history is next flushed (it cannot change before); the rendered page is kept per snapshot
 * version and history generation, so a thousand viewers loading the page cost one rendering.
 */
public final class PageRoutes implements HttpService {

    static final Map<String, Duration> BADGE_WINDOWS = Map.of("24h", Duration.ofHours(24), "7d", Duration.ofDays(7),
            "30d", Duration.ofDays(30), "90d", Duration.ofDays(90));
    private static final int MAX_LABEL = 64;
    /** History read for the page is reused for at most this long even when nothing was flushed. */
    private static final long HISTORY_MAX_AGE_MS = 60_000;

    private final LiveState live;
    private final History history;
    private final Access access;
    private final Clock clock;
    private final FleetSource fleet;
    private final Notices notices;
    private final Assets assets = new Assets();
    private final Layout layout;
    private final Times times;
    private final StatusView statusView;
    private final FleetView fleetView;

    /**
     * History read for one set of targets at one history generation. {@code unavailable}: the
     * database could not be read; {@code overview} and {@code latency} are then the last ones read
     * (as of {@code readAtMs}; empty and 0 when there were none) and the page says so.
     */
    private record PageHistory(long generation, int idsHash, LocalDate day, long readAtMs,
                               Map<String, History.Overview> overview, Map<String, List<Bucket>> latency,
                               boolean unavailable) {
    }

    /**
     * A rendered page: HTML and its gzip, for one snapshot version and one history read.
     *
     * @param view the snapshot it shows (the full one, or its public view)
     */
    private record Rendered(Snapshot view, PageHistory history, List<Notices.Notice> notices, boolean fleetTab,
                            Responses.Body html, Responses.Body gzip, String etag) {
    }

    /** {@code /status.json} of one view of one snapshot version: every viewer asks after every change. */
    private record Summary(Snapshot view, byte[] json) {
    }

    private volatile PageHistory pageHistory;
    /** The page as readers with a token see it, and as everyone sees it when nothing is private. */
    private volatile Rendered renderedAll;
    /** The page without private targets, while there are some. */
    private volatile Rendered renderedPublic;
    /** Held while the page is rendered for {@link #renderedAll} or {@link #renderedPublic}. */
    private final ReentrantLock renderingAll = new ReentrantLock();
    private final ReentrantLock renderingPublic = new ReentrantLock();
    /** Held while the history is read for {@link #pageHistory}. */
    private final ReentrantLock readingHistory = new ReentrantLock();
    private volatile Summary summaryAll;
    private volatile Summary summaryPublic;
    private final BannerScope banner;
    private final byte[] robots;

    /**
     * @param page  how the page presents itself; its banner selection must have passed {@link #check}
     * @param times how its times are written ({@code status-page.time-zone}), and so where its days begin
     */
    public PageRoutes(LiveState live, History history, Access access, Clock clock, FleetSource fleet, Notices notices,
                      WatchpostConfig.StatusPage page, Times times) {
        this.live = Objects.requireNonNull(live, "live");
        this.history = Objects.requireNonNull(history, "history");
        this.access = Objects.requireNonNull(access, "access");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.fleet = Objects.requireNonNull(fleet, "fleet");
        this.notices = Objects.requireNonNull(notices, "notices");
        // A page that needs a token is nobody's search result.
        boolean indexable = page.searchEngines() && access.readsArePublic();
        this.times = Objects.requireNonNull(times, "times");
        this.layout = new Layout(assets, page, indexable, times, clock.instant());
        this.statusView = new StatusView(layout);
        this.fleetView = new FleetView(layout);
        this.banner = BannerScope.of(page.banner());
        this.robots = robots(indexable).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Checks what only the page can judge: that every {@code status-page.banner} entry is a target
     * id, group id or glob.
     *
     * @throws ConfigException naming the entry
     */
    public static void check(WatchpostConfig.StatusPage page) {
        try {
            BannerScope.of(page.banner());
        } catch (IllegalArgumentException e) {
            String msg = e.getMessage();
            int colon = msg.indexOf(": ");
            String key = "status-page." + msg.substring(0, colon);
            int index = Integer.parseInt(msg.substring(msg.indexOf('[') + 1, msg.indexOf(']')));
            throw new ConfigException(key, page.banner().get(index), null,
                    "a target id, group id or glob such as web/** (" + msg.substring(colon + 2) + ")");
        }
    }

    /**
     * The status page and what it links to may be indexed; the dashboard, the API and ping URLs
     * (whose keys are secrets) may not. {@code indexable} false: nothing may.
     */
    static String robots(boolean indexable) {
        if (!indexable) {
            return "User-agent: *\nDisallow: /\n";
        }
        return "User-agent: *\nAllow: /\nDisallow: /admin\nDisallow: /api/\nDisallow: /ping/\n";
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/", access.read(this::status))
                .get("/status.json", access.read(this::summary))
                .get("/fleet", access.read(this::fleetGlobal))
                .get("/fleet/{fleet}", access.read(this::fleetOne))
                .get("/fleet/{fleet}/{cluster}", access.read(this::fleetCluster))
                .get("/assets/{name}", this::asset)
                .get("/favicon.ico", this::favicon)
                .get("/robots.txt", this::robots)
                .get("/badge/{+target}/status.svg", access.read(this::statusBadge))
                .get("/badge/{+target}/uptime.svg", access.read(this::uptimeBadge))
                .get("/badge/{+target}/shields.json", access.read(this::shields));
    }

    // ---------------------------------------------------------------- status page

    /** What this reader may see of {@code full}: all of it with a token, else its public view. */
    private Snapshot view(ServerRequest req, Snapshot full) {
        return access.seesPrivate(req) ? full : full.publicView();
    }

    /** Whether the navigation offers the fleet view to this reader: Argus is in use and its group is visible. */
    /** The look every public page shares (target pages too). */
    Layout layout() {
        return layout;
    }

    /** Whether this reader's pages show the Fleet tab: Argus is used, and its group is public or the reader has a token. */
    boolean fleetTab(ServerRequest req) {
        return fleet.inUse() && (live.isPublic(fleet.group()) || access.seesPrivate(req));
    }

    private void status(ServerRequest req, ServerResponse res) {
        Optional<GuildQuery> guild = req.query().first("guild").asOptional().map(GuildQuery::parse);
        Snapshot full = live.snapshot();
        Snapshot s = view(req, full);
        // Read for every target: readers with and without a token then share one history read.
        Derived derived = derived(full);
        PageHistory ph = history(derived);
        boolean fleetTab = fleetTab(req);
        Banner verdict = derived.verdict();
        if (guild.isPresent()) {
            // A search is rare and personal: rendered for this request only, never cached.
            res.header(HeaderNames.CACHE_CONTROL, "no-store");
            html(req, res, guild.get().valid() ? Status.OK_200 : Status.BAD_REQUEST_400,
                    render(s, full, ph, notices.current(s, StatusView.NOTICES), guild, verdict, fleetTab));
            return;
        }
        boolean all = s == full;
        // Notices change without the snapshot changing (an incident update): they are part of the key.
        Rendered r = rendered(all, s, full, ph, notices.current(s, StatusView.NOTICES), verdict, fleetTab);
        res.header(HeaderNames.ETAG, r.etag());
        res.header(HeaderNames.CACHE_CONTROL, "no-cache");
        res.header(HeaderNames.VARY, "Accept-Encoding");
        if (req.headers().first(HeaderNames.IF_NONE_MATCH).map(v -> v.contains(r.etag())).orElse(false)) {
            res.status(Status.NOT_MODIFIED_304).send();
            return;
        }
        res.header(HeaderNames.CONTENT_TYPE, "text/html; charset=utf-8");
        Assets.sendMaybeGzip(req, res, r.html(), r.gzip());
    }

    /**
     * The page for this view, rendered again when what it shows has changed. One request renders at a
     * time; requests arriving meanwhile get the page rendered before, whose feed mark ({@code
     * data-since}) brings their browsers up to date with what changed since. So a change seen by many
     * readers at once costs one render instead of one per reader in flight: during an outage 64
     * concurrent readers each rendering 6,000 targets after every change kept both cores busy and put
     * GET /'s p99 at 0.7 s.
     */
    private Rendered rendered(boolean all, Snapshot s, Snapshot full, PageHistory ph, List<Notices.Notice> shown,
                              Banner verdict, boolean fleetTab) {
        Rendered cached = all ? renderedAll : renderedPublic;
        if (shows(cached, s, ph, shown, fleetTab)) {
            return cached;
        }
        ReentrantLock lock = all ? renderingAll : renderingPublic;
        if (cached != null && cached.fleetTab() == fleetTab) {
            if (!lock.tryLock()) {
                return cached;
            }
        } else {
            lock.lock();
        }
        try {
            cached = all ? renderedAll : renderedPublic;
            if (shows(cached, s, ph, shown, fleetTab)
                    || cached != null && cached.fleetTab() == fleetTab && cached.view().version() > s.version()) {
                return cached;
            }
            byte[] html = render(s, full, ph, shown, Optional.empty(), verdict, fleetTab);
            cached = new Rendered(s, ph, shown, fleetTab, Responses.Body.of(html), Responses.Body.of(Assets.gzip(html)),
                    "\"p" + s.version() + (all ? "" : "p") + (fleetTab ? "f" : "") + "-" + ph.generation() + "-"
                            + Integer.toHexString(System.identityHashCode(ph))
                            + "-" + Integer.toHexString(shown.hashCode()) + "\"");
            if (all) {
                renderedAll = cached;
            } else {
                renderedPublic = cached;
            }
            return cached;
        } finally {
            lock.unlock();
        }
    }

    private static boolean shows(Rendered r, Snapshot s, PageHistory ph, List<Notices.Notice> shown, boolean fleetTab) {
        return r != null && r.view() == s && r.history() == ph && r.notices().equals(shown) && r.fleetTab() == fleetTab;
    }

    private byte[] render(Snapshot s, Snapshot full, PageHistory ph, List<Notices.Notice> shown,
                          Optional<GuildQuery> guild, Banner verdict, boolean fleetTab) {
        Optional<Instant> historyAsOf = ph.unavailable() && ph.readAtMs() > 0
                ? Optional.of(Instant.ofEpochMilli(ph.readAtMs())) : Optional.empty();
        boolean nothingMonitored = full.groups().isEmpty() && full.targets().isEmpty();
        return statusView.render(new StatusView.Data(s, ph.overview(), ph.latency(), shown, guild, clock.instant(),
                ph.unavailable(), historyAsOf, verdict, fleetTab, nothingMonitored, live.epoch() + "." + s.mark()));
    }

    /**
     * What the page takes from one snapshot besides rendering it, worked out once per snapshot: every
     * request for the page needs it, and walking every target per request is what kept the cached
     * page from being served thousands of times a second.
     *
     * @param ids    the targets with history on the page (all but shards), in page order
     * @param probed those of them with response times
     */
    private record Derived(Snapshot full, List<String> ids, int idsHash, List<String> probed, Banner verdict) {
    }

    private volatile Derived derived;

    private Derived derived(Snapshot full) {
        Derived d = derived;
        if (d == null || d.full() != full) {
            List<TargetView> services = StatusView.Tree.of(full).services();
            List<String> ids = services.stream().map(TargetView::id).toList();
            List<String> probed = services.stream().filter(v -> v.kind().probed()).map(TargetView::id).toList();
            d = new Derived(full, ids, ids.hashCode(), probed, banner.decide(full.publicView()));
            derived = d;
        }
        return d;
    }

    /**
     * History for every non-shard target, read in one batch and reused until the history is flushed
     * again, the target set changes, the day changes (in the page's zone) or a minute has passed.
     *
     * <p>While the database is unavailable the page never waits for it: the last history read is
     * shown, marked unavailable, and the database is not asked again until it is back.
     */
    private PageHistory history(Derived derived) {
        int idsHash = derived.idsHash();
        Instant now = clock.instant();
        LocalDate day = times.date(now);
        long generation = history.generation();
        PageHistory ph = pageHistory;
        boolean available = history.available();
        if (ph != null && !ph.unavailable() && !available) {
            // What was read is still right, but it is no longer being recorded: say so.
            ph = new PageHistory(ph.generation(), ph.idsHash(), ph.day(), ph.readAtMs(), ph.overview(), ph.latency(), true);
            pageHistory = ph;
            return ph;
        }
        if (ph != null && ph.unavailable()) {
            if (!available) {
                return ph;
            }
        } else if (ph != null && ph.generation() == generation && ph.idsHash() == idsHash && ph.day().equals(day)
                && now.toEpochMilli() - ph.readAtMs() < HISTORY_MAX_AGE_MS) {
            return ph;
        }
        // One request reads at a time; the others show what was read before rather than each asking
        // the database for the same rows.
        if (ph != null) {
            if (!readingHistory.tryLock()) {
                return ph;
            }
        } else {
            readingHistory.lock();
        }
        try {
            if (pageHistory != ph) {
                return pageHistory; // read by the request that held the lock before this one
            }
            return readHistory(ph, derived, generation, idsHash, day, now);
        } finally {
            readingHistory.unlock();
        }
    }

    private PageHistory readHistory(PageHistory ph, Derived derived, long generation, int idsHash, LocalDate day,
                                    Instant now) {
        List<String> ids = derived.ids();
        try {
            Map<String, History.Overview> overview = ids.isEmpty() ? Map.of()
                    : history.overview(ids, StatusView.DAYS, StatusView.WINDOWS, times.zone(), now);
            List<String> probed = derived.probed();
            Map<String, List<Bucket>> latency = probed.isEmpty() ? Map.of()
                    : history.buckets(probed, Resolution.HOUR, now.minus(Duration.ofHours(23)), now);
            ph = new PageHistory(generation, idsHash, day, now.toEpochMilli(), overview, latency, false);
        } catch (StoreException e) {
            // The live states are in memory: the page stays up, with the last history it had.
            ph = ph == null
                    ? new PageHistory(generation, idsHash, day, 0, Map.of(), Map.of(), true)
                    : new PageHistory(generation, idsHash, day, ph.readAtMs(), ph.overview(), ph.latency(), true);
        }
        pageHistory = ph;
        return ph;
    }

    private void summary(ServerRequest req, ServerResponse res) {
        Snapshot full = live.snapshot();
        Snapshot s = view(req, full);
        boolean all = s == full;
        Summary cached = all ? summaryAll : summaryPublic;
        if (cached == null || cached.view() != s) {
            cached = new Summary(s, Json.bytes(StatusView.summaryJson(s, banner.decide(full.publicView()))));
            if (all) {
                summaryAll = cached;
            } else {
                summaryPublic = cached;
            }
        }
        res.header(HeaderNames.CACHE_CONTROL, "no-cache");
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(cached.json());
    }

    // ---------------------------------------------------------------- fleet

    /**
     * The fleet's figures for this reader: none when Argus' group is private and the reader has no
     * token (the pages then say there is nothing to show, as before any cluster reported).
     */
    private Map<String, Object> fleetView(ServerRequest req) {
        return live.isPublic(fleet.group()) || access.seesPrivate(req) ? fleet.view() : Map.of();
    }

    private void fleetGlobal(ServerRequest req, ServerResponse res) {
        res.header(HeaderNames.CACHE_CONTROL, "no-cache");
        html(req, res, Status.OK_200, fleetView.global(fleetView(req), access.seesPrivate(req)));
    }

    private void fleetOne(ServerRequest req, ServerResponse res) {
        String name = req.path().pathParameters().get("fleet");
        res.header(HeaderNames.CACHE_CONTROL, "no-cache");
        Optional<byte[]> page = fleetView.fleet(fleetView(req), name, access.seesPrivate(req));
        if (page.isEmpty()) {
            notFound(req, res, "There is no fleet '" + name + "'.");
            return;
        }
        html(req, res, Status.OK_200, page.get());
    }

    private void fleetCluster(ServerRequest req, ServerResponse res) {
        String name = req.path().pathParameters().get("fleet");
        String raw = req.path().pathParameters().get("cluster");
        res.header(HeaderNames.CACHE_CONTROL, "no-cache");
        Optional<Map<String, Object>> detail = Optional.empty();
        if (raw.length() <= 9 && !raw.isEmpty() && raw.chars().allMatch(c -> c >= '0' && c <= '9')
                && (live.isPublic(fleet.group()) || access.seesPrivate(req))) {
            detail = fleet.cluster(name, Integer.parseInt(raw));
        }
        if (detail.isEmpty()) {
            notFound(req, res, "There is no cluster '" + raw + "' in fleet '" + name + "'.");
            return;
        }
        html(req, res, Status.OK_200, fleetView.cluster(name, detail.get(), access.seesPrivate(req)));
    }

    private void notFound(ServerRequest req, ServerResponse res, String message) {
        html(req, res, Status.NOT_FOUND_404, Templates.bytes("page/notFound.jte",
                new FleetView.NotFound(layout.shell("Not found", Layout.Nav.FLEET, false, true), message), 2_048));
    }

    private static void html(ServerRequest req, ServerResponse res, Status status, byte[] bytes) {
        res.status(status);
        res.header(HeaderNames.CONTENT_TYPE, "text/html; charset=utf-8");
        res.header(HeaderNames.VARY, "Accept-Encoding");
        Assets.sendMaybeGzip(req, res, bytes, bytes.length > 1_400 ? Assets.gzip(bytes) : null);
    }

    // ---------------------------------------------------------------- assets

    private void asset(ServerRequest req, ServerResponse res) {
        String name = req.path().pathParameters().get("name");
        if (!assets.serve(name, req, res)) {
            throw ApiException.notFound("no asset '" + name + "'");
        }
    }

    /** Browsers and feed readers ask for {@code /favicon.ico} by themselves: the configured icon, whatever its type. */
    private void favicon(ServerRequest req, ServerResponse res) {
        String name = layout.look().favicon() == null ? null
                : layout.look().favicon().substring("/assets/".length(), layout.look().favicon().indexOf('?'));
        if (name == null || !assets.serve(name, req, res)) {
            throw ApiException.notFound("no favicon is configured (status-page.favicon)");
        }
    }

    private void robots(ServerRequest req, ServerResponse res) {
        res.header(HeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
        res.header(HeaderNames.CACHE_CONTROL, "public, max-age=3600");
        res.send(robots);
    }

    // ---------------------------------------------------------------- badges

    /** The badge's target; a private one is as absent as an unknown one to readers without a token. */
    private TargetView target(ServerRequest req) {
        String id = req.path().pathParameters().get("target");
        return live.target(id).filter(v -> live.isPublic(id) || access.seesPrivate(req))
                .orElseThrow(() -> ApiException.notFound("no target '" + id + "'"));
    }

    private static String label(ServerRequest req, String fallback) {
        String label = req.query().first("label").asOptional().filter(l -> !l.isBlank()).orElse(fallback);
        return label.length() > MAX_LABEL ? label.substring(0, MAX_LABEL - 1) + "…" : label;
    }

    private void statusBadge(ServerRequest req, ServerResponse res) {
        TargetView t = target(req);
        svg(req, res, Badge.status(label(req, t.name()), t.state()), caching(t));
    }

    /** A private target's badge (seen with a token) is never kept by shared caches. */
    private String caching(TargetView t) {
        return live.isPublic(t.id()) ? "public, max-age=60" : "private, max-age=60";
    }

    private void uptimeBadge(ServerRequest req, ServerResponse res) {
        TargetView t = target(req);
        String window = window(req);
        svg(req, res, uptime(t, window, label(req, "uptime " + window)), caching(t));
    }

    private void shields(ServerRequest req, ServerResponse res) {
        TargetView t = target(req);
        Optional<String> window = req.query().first("window").asOptional();
        Badge b = window.isPresent()
                ? uptime(t, window(req), label(req, t.name() + " " + window.get()))
                : Badge.status(label(req, t.name()), t.state());
        res.header(HeaderNames.CACHE_CONTROL, caching(t));
        // Shields.io fetches this from its servers; dashboards in browsers may too.
        res.header(HeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, "*");
        Json.send(res, Status.OK_200, b.shieldsJson());
    }

    private static String window(ServerRequest req) {
        String w = req.query().first("window").asOptional().orElse("30d");
        if (!BADGE_WINDOWS.containsKey(w)) {
            throw ApiException.badRequest("window must be one of 24h, 7d, 30d, 90d (got '"
                    + (w.length() > 20 ? w.substring(0, 20) + "…" : w) + "')");
        }
        return w;
    }

    private Badge uptime(TargetView t, String window, String label) {
        Instant now = clock.instant();
        Map<String, History.Overview> o;
        try {
            o = history.overview(List.of(t.id()), 1, List.of(BADGE_WINDOWS.get(window)), times.zone(), now);
        } catch (StoreException e) {
            o = Map.of(); // a badge in a README must not break during an outage: it shows no data
        }
        OptionalDouble ratio = o.containsKey(t.id()) ? o.get(t.id()).uptime().get(0).ratio() : OptionalDouble.empty();
        return Badge.uptime(label, ratio);
    }

    private static void svg(ServerRequest req, ServerResponse res, Badge b, String caching) {
        byte[] bytes = b.svg().getBytes(StandardCharsets.UTF_8);
        String etag = "\"b" + Assets.hash(bytes) + "\"";
        res.header(HeaderNames.ETAG, etag);
        res.header(HeaderNames.CACHE_CONTROL, caching);
        if (req.headers().first(HeaderNames.IF_NONE_MATCH).map(v -> v.contains(etag)).orElse(false)) {
            res.status(Status.NOT_MODIFIED_304).send();
            return;
        }
        res.header(HeaderNames.CONTENT_TYPE, "image/svg+xml; charset=utf-8");
        res.send(bytes);
    }
}
