package dev.watchpost.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.watchpost.live.TargetKind;
import dev.watchpost.live.Held;
import dev.watchpost.live.LiveState;
import dev.watchpost.live.Snapshot;
import dev.watchpost.live.State;
import dev.watchpost.live.TargetView;
import dev.watchpost.live.Transition;
import dev.watchpost.alert.AlertEngine;
import dev.watchpost.manual.ManualService;
import dev.watchpost.probe.ProbeScheduler;
import dev.watchpost.manual.ManualStatus;
import dev.watchpost.page.TargetHistory;
import dev.watchpost.page.TargetRoutes;
import dev.watchpost.targets.TargetDecl;
import dev.watchpost.targets.Topology;
import dev.watchpost.targets.TopologyStore;
import dev.watchpost.web.Json;
import io.helidon.http.Status;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Targets: search and page through them, create, edit (form or JSON), pause, delete, set a manual status. */
final class TargetPages {

    static final int PAGE_SIZE = 50;
    /** The alerts about a target its page lists, newest first. */
    static final int ALERTS_SHOWN = 20;
    private static final List<String> ALL_KINDS = TargetKind.IDS;

    private final LiveState live;
    private final Topology topology;
    private final TopologyStore topologyStore;
    private final ManualService manual;
    private final ProbeScheduler probes;
    private final AlertEngine alerts;
    private final TargetRoutes targetPages;

    TargetPages(LiveState live, Topology topology, TopologyStore topologyStore, ManualService manual, ProbeScheduler probes,
                AlertEngine alerts, TargetRoutes targetPages) {
        this.targetPages = targetPages;
        this.probes = probes;
        this.alerts = alerts;
        this.live = live;
        this.topology = topology;
        this.topologyStore = topologyStore;
        this.manual = manual;
    }

    // ---------------------------------------------------------------- list

    /**
     * {@code ?q=&state=&kind=&group=&page=}: matching targets, 50 a page, problems first. The shards
     * of each sharded group are one row (how many match and their worst state) unless the page is
     * about that group ({@code group=}): 48 green shards never push the one API that is down to page 2.
     */
    void list(Exchange x) {
        String q = x.query("q").strip().toLowerCase(Locale.ROOT);
        Optional<State> state = State.parse(x.query("state"));
        String kind = ALL_KINDS.contains(x.query("kind")) ? x.query("kind") : "";
        String group = x.query("group");
        Snapshot snap = live.freshSnapshot();
        List<Row> found = new ArrayList<>();
        Map<String, ShardTally> shards = new java.util.LinkedHashMap<>();
        snap.forEachTarget(v -> {
            if ((q.isEmpty() || v.id().contains(q) || v.name().toLowerCase(Locale.ROOT).contains(q))
                    && (state.isEmpty() || v.state() == state.get()) && (kind.isEmpty() || kind.equals(v.kind().id()))
                    && (group.isEmpty() || group.equals(v.groupId()))) {
                if (v.shard() >= 0 && group.isEmpty()) {
                    shards.computeIfAbsent(v.groupId(), g -> new ShardTally(v)).add(v);
                } else {
                    found.add(Row.of(v));
                }
            }
        });
        shards.values().forEach(t -> found.add(t.row(x.query("state"))));
        found.sort(Comparator.comparingInt((Row r) -> rank(r.state())).thenComparing(Row::id, TargetPages::natural));
        int pages = Math.max(1, (found.size() + PAGE_SIZE - 1) / PAGE_SIZE);
        int page = Math.min(pages, Math.max(1, parseInt(x.query("page"), 1)));
        int from = (page - 1) * PAGE_SIZE;
        List<Row> shown = found.subList(Math.min(from, found.size()), Math.min(from + PAGE_SIZE, found.size()));

        List<Layout.Option> states = new ArrayList<>();
        for (State s : State.values()) {
            states.add(new Layout.Option(s.id(), s.id(), state.isPresent() && state.get() == s));
        }
        List<Layout.Option> kinds = ALL_KINDS.stream().map(k -> new Layout.Option(k, k, k.equals(kind))).toList();
        String count = found.isEmpty() ? "No targets match."
                : "Showing " + (from + 1) + "–" + (from + shown.size()) + " of " + found.size()
                + (shards.isEmpty() ? " targets." : " rows (the shards of each sharded group are one row).");
        Pager pager = null;
        if (pages > 1) {
            String base = "/admin/targets?q=" + Layout.url(x.query("q")) + "&state=" + Layout.url(x.query("state"))
                    + "&kind=" + Layout.url(kind) + "&group=" + Layout.url(group) + "&page=";
            pager = new Pager(page > 1 ? base + (page - 1) : null, "Page " + page + " of " + pages,
                    page < pages ? base + (page + 1) : null);
        }
        x.page(Status.OK_200, "admin/targets.jte", new ListPage(Layout.shell("Targets", "targets", x), x.query("q"), states,
                kinds, group.isEmpty() ? null : group, count, shown, pager));
    }

    /** Problems first: down, then degraded, then unknown, maintenance, and what works last. */
    static int rank(State s) {
        return switch (s.severity()) {
            case BAD -> 0;
            case WARN -> 1;
            case UNKNOWN -> 2;
            case MAINTENANCE -> 3;
            case OK -> 4;
        };
    }

    /**
     * The target list ({@code admin/targets.jte}); {@code pager} null when everything fits one page.
     *
     * @param group the sharded group whose shards are listed one by one, or null
     */
    record ListPage(Layout.Shell shell, String q, List<Layout.Option> states, List<Layout.Option> kinds, String group,
                    String count, List<Row> shown, Pager pager) {
    }

    /**
     * One row of the list: a target, or the shards of one sharded group.
     *
     * @param shards for a group's row, e.g. "48 shards: 45 offline, 3 online"; null for a target
     * @param since  epoch ms, or -1 for none (a group's row)
     */
    record Row(String href, String name, String id, String kind, String groupId, State state, String message, long since,
               String shards) {

        static Row of(TargetView v) {
            return new Row("/admin/target?id=" + Layout.url(v.id()), v.name(), v.id(), v.kind().id(), v.groupId(), v.state(),
                    v.message(), v.since(), null);
        }
    }

    /** The shards of one group that matched, counted per state; its row shows the worst. */
    private static final class ShardTally {
        private final TargetView first;
        private final Map<State, Integer> counts = new java.util.EnumMap<>(State.class);
        private State worst;
        private int matched;

        ShardTally(TargetView first) {
            this.first = first;
        }

        void add(TargetView v) {
            counts.merge(v.state(), 1, Integer::sum);
            matched++;
            if (worst == null || rank(v.state()) < rank(worst)) {
                worst = v.state();
            }
        }

        Row row(String stateFilter) {
            List<String> parts = counts.entrySet().stream()
                    .sorted(Comparator.comparingInt((Map.Entry<State, Integer> e) -> rank(e.getKey())).thenComparing(e -> e.getKey().id()))
                    .map(e -> e.getValue() + " " + e.getKey().id()).toList();
            String name = first.name();
            name = name.substring(0, name.lastIndexOf(" #")); // the group's name
            return new Row("/admin/targets?group=" + Layout.url(first.groupId()) + "&state=" + Layout.url(stateFilter), name,
                    first.groupId(), "shards", first.groupId().contains("/")
                            ? first.groupId().substring(0, first.groupId().lastIndexOf('/')) : null, worst, null, -1,
                    matched + " shard" + (matched == 1 ? "" : "s") + ": " + String.join(", ", parts));
        }
    }

    /** @param previous and {@code next}: links, null at either end */
    record Pager(String previous, String text, String next) {
    }

    // ---------------------------------------------------------------- one target

    void detail(Exchange x) {
        detail(x, Status.OK_200, null, null);
    }

    /**
     * The target page, with the status page's history section (uptime, day bars, the response-time
     * chart over {@code ?range=}); {@code error} (with the status form's values kept) after a refused action.
     */
    private void detail(Exchange x, Status status, String error, Form statusForm) {
        String id = x.query("id");
        Optional<TargetView> found = live.target(id);
        if (found.isEmpty()) {
            notFound(x, id);
            return;
        }
        TargetView v = found.get();
        Optional<TargetHistory> history;
        try {
            history = targetPages.history(id, x.query("range"), links(id));
        } catch (TargetRoutes.BadRange e) {
            x.page(Status.BAD_REQUEST_400, "admin/problem.jte", new Layout.Problem(Layout.shell("Bad request", "targets", x),
                    e.getMessage() + ".", "/admin/target?id=" + Layout.url(id), "Open the target's page"));
            return;
        }
        if (history.isEmpty()) { // removed since it was looked up
            notFound(x, id);
            return;
        }
        Optional<TargetDecl> decl = topology.declaration(id);
        boolean managed = topology.managedByConfig(id);
        String hint = null;
        Actions actions = null;
        if (decl.isEmpty()) {
            hint = v.shard() >= 0 ? "A shard of its group: change the group's shard count to change it."
                    : "Made by a protocol; it has no declaration to edit.";
        } else if (managed) {
            hint = "Declared in the configuration file: change it there.";
        } else {
            boolean paused = decl.get().paused();
            actions = new Actions("/admin/target/" + (paused ? "resume" : "pause") + "?id=" + Layout.url(id),
                    paused ? "Resume" : "Pause");
        }
        StatusForm form = null;
        if (decl.isPresent() && decl.get().kind() == TargetKind.MANUAL) {
            form = statusForm(id, statusForm);
        }
        x.page(status, "admin/target.jte", new DetailPage(Layout.shell(v.name(), "targets", x), v, error,
                live.held(id).map(TargetPages::describe).orElse(null), hint, actions, form,
                decl.map(d -> pretty(d.spec())).orElse(null), topologyStore.recentTransitions(v.ref(), 10),
                probes.isScheduled(id), probes.lastRun(id).map(TargetPages::lastCheck).orElse(null),
                alerts.deliveries(id, ALERTS_SHOWN), history.get()));
    }

    /** The history section's links, kept on the dashboard: its targets' and groups' pages here, this page's ranges. */
    private static TargetHistory.Links links(String id) {
        return new TargetHistory.Links(t -> "/admin/target?id=" + Layout.url(t), g -> "/admin/group?id=" + Layout.url(g),
                range -> "/admin/target?id=" + Layout.url(id) + (range.isEmpty() ? "" : "&range=" + Layout.url(range)));
    }

    /**
     * One target ({@code admin/target.jte}).
     *
     * @param held    why its state is held (paused, maintenance), or null
     * @param hint    why it cannot be edited here, or null
     * @param actions edit, pause or resume, delete; null when it cannot be edited here
     * @param form    the manual status form, null for other kinds
     * @param spec    its declaration as JSON, or null
     * @param history uptime, day bars, the response-time chart, a composite's parts: the status page's section
     */
    record DetailPage(Layout.Shell shell, TargetView target, String error, String held, String hint, Actions actions,
                      StatusForm statusForm, String spec, List<Transition> recent, boolean probed, LastCheck lastCheck,
                      List<AlertEngine.Delivery> alerts, TargetHistory history) {
    }

    /** The newest probe check, as its facts show it: "ok in 42 ms (HTTP 200)" and when. */
    record LastCheck(java.time.Instant at, String outcome, String text) {
    }

    private static LastCheck lastCheck(ProbeScheduler.Run run) {
        var r = run.result();
        String text = r.reason() + (Double.isNaN(r.latencyMs()) ? "" : String.format(Locale.ROOT, " in %.0f ms", r.latencyMs()));
        return new LastCheck(run.at(), r.outcome().name().toLowerCase(Locale.ROOT), text);
    }

    /** "Check now": the probe runs at once (in this request, bounded by its own timeout), then the page shows its result. */
    void checkNow(Exchange x) {
        String id = x.query("id");
        if (live.target(id).isEmpty()) {
            notFound(x, id);
            return;
        }
        Optional<ProbeScheduler.Run> run;
        try {
            run = probes.isScheduled(id) ? probes.runNow(id) : Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            detail(x, Status.SERVICE_UNAVAILABLE_503, "The server is stopping; try again.", null);
            return;
        }
        if (run.isEmpty()) {
            detail(x, Status.CONFLICT_409, "Only probed targets (http, tcp, tls, stats) can be checked now, and only while they are not paused.", null);
            return;
        }
        x.redirect("/admin/target?id=" + Layout.url(id) + "&ok=checked");
    }

    /** @param toggle where pause (or resume) posts */
    record Actions(String toggle, String toggleLabel) {
    }

    record StatusForm(List<Layout.Option> statuses, String message, boolean informational) {
    }

    private static String describe(Held held) {
        List<String> why = new ArrayList<>();
        for (String holder : held.holders()) {
            why.add(holder.equals("paused") ? "paused" : holder.startsWith("notice:")
                    ? "maintenance (notice " + holder.substring("notice:".length()) + ")" : holder);
        }
        return String.join(", ", why) + "; its reports say " + held.underlying().id();
    }

    /** The manual status form, with what was typed when it was refused. */
    private StatusForm statusForm(String id, Form typed) {
        ManualStatus current = manual.currentStatus(id);
        String chosen = typed != null ? typed.get("status") : current.slug();
        List<Layout.Option> statuses = new ArrayList<>();
        for (ManualStatus s : manual.statuses()) {
            statuses.add(new Layout.Option(s.slug(), s.name() + " (" + ManualStatus.severityId(s.severity()) + ")",
                    s.slug().equals(chosen)));
        }
        return new StatusForm(statuses, typed == null ? "" : typed.get("message"),
                typed != null && typed.checked("informational"));
    }

    void setStatus(Exchange x) {
        String id = x.query("id");
        try {
            manual.record(id, Optional.of(x.form().trimmed("status")), x.form().get("message"), x.form().checked("informational"));
        } catch (ManualService.NotFound e) {
            notFound(x, id);
            return;
        } catch (IllegalArgumentException | ManualService.Conflict e) {
            detail(x, e instanceof ManualService.Conflict ? Status.CONFLICT_409 : Status.BAD_REQUEST_400, e.getMessage(), x.form());
            return;
        }
        x.redirect("/admin/target?id=" + Layout.url(id) + "&ok=status");
    }

    void pause(Exchange x, boolean pause) {
        String id = x.query("id");
        Optional<TargetDecl> decl = topology.declaration(id);
        if (decl.isEmpty()) {
            notFound(x, id);
            return;
        }
        ObjectNode spec = decl.get().spec().deepCopy();
        if (pause) {
            spec.put("paused", true);
        } else {
            spec.remove("paused");
        }
        try {
            topology.putTarget(spec, false);
        } catch (Topology.Conflict | IllegalArgumentException e) {
            detail(x, Status.CONFLICT_409, e.getMessage(), null);
            return;
        }
        x.redirect("/admin/target?id=" + Layout.url(id) + "&ok=" + (pause ? "paused" : "resumed"));
    }

    void confirmDelete(Exchange x) {
        String id = x.query("id");
        Optional<TargetView> v = live.target(id);
        if (v.isEmpty()) {
            notFound(x, id);
            return;
        }
        x.page(Status.OK_200, "admin/targetDelete.jte", new Layout.Confirm(Layout.shell("Delete " + v.get().name(), "targets", x),
                v.get().name(), id, "/admin/target/delete?id=" + Layout.url(id), "Delete target",
                "/admin/target?id=" + Layout.url(id)));
    }

    void delete(Exchange x) {
        String id = x.query("id");
        try {
            if (!topology.removeTarget(id)) {
                notFound(x, id);
                return;
            }
        } catch (Topology.Conflict e) {
            detail(x, Status.CONFLICT_409, e.getMessage(), null);
            return;
        }
        x.redirect("/admin/targets?ok=deleted");
    }

    // ---------------------------------------------------------------- create and edit

    void newForm(Exchange x) {
        String kind = x.query("kind");
        if (!TargetForm.KINDS.contains(kind) && !kind.equals("json")) {
            List<Layout.Option> kinds = List.of(new Layout.Option("push", "Push: it reports in", false),
                    new Layout.Option("http", "HTTP check", false), new Layout.Option("tcp", "TCP port", false),
                    new Layout.Option("tls", "TLS certificate", false), new Layout.Option("stats", "Stats agent", false),
                    new Layout.Option("manual", "Manual: people set its status", false),
                    new Layout.Option("json", "Any kind, as JSON", false));
            x.page(Status.OK_200, "admin/targetKinds.jte", new KindsPage(Layout.shell("New target", "targets", x), kinds));
            return;
        }
        String template = "{\n  \"id\": \"\",\n  \"name\": \"\",\n  \"" + (kind.equals("json") ? "push" : kind) + "\": {}\n}";
        editor(x, Status.OK_200, true, kind.equals("json") ? "push" : kind, TargetForm.values(x.form(), kind), template,
                null, null, kind.equals("json"));
    }

    /** "What kind of target?" ({@code admin/targetKinds.jte}): each kind's value and words. */
    record KindsPage(Layout.Shell shell, List<Layout.Option> kinds) {
    }

    void create(Exchange x) {
        submit(x, true, Optional.empty());
    }

    void editForm(Exchange x) {
        String id = x.query("id");
        Optional<TargetDecl> decl = topology.declaration(id);
        if (decl.isEmpty()) {
            notFound(x, id);
            return;
        }
        if (topology.managedByConfig(id)) {
            detail(x, Status.CONFLICT_409, "'" + id + "' is declared in the configuration; change it there", null);
            return;
        }
        String kind = decl.get().kind().id();
        editor(x, Status.OK_200, false, kind, TargetForm.values(decl.get().spec(), kind), pretty(decl.get().spec()),
                null, null, !TargetForm.KINDS.contains(kind));
    }

    void save(Exchange x) {
        String id = x.query("id");
        Optional<TargetDecl> decl = topology.declaration(id);
        if (decl.isEmpty()) {
            notFound(x, id);
            return;
        }
        submit(x, false, Optional.of(decl.get()));
    }

    /** Creates or replaces from the fields form ({@code mode=form}) or the JSON one; errors show the form again as typed. */
    private void submit(Exchange x, boolean create, Optional<TargetDecl> existing) {
        Form f = x.form();
        boolean json = f.get("mode").equals("json");
        String kind = existing.map(d -> d.kind().id()).orElse(f.trimmed("kind"));
        if (!json && !TargetForm.KINDS.contains(kind)) {
            kind = "push";
        }
        ObjectNode spec;
        if (json) {
            JsonNode parsed;
            try {
                parsed = Json.BODY.readTree(f.get("json"));
            } catch (JsonProcessingException e) {
                String reason = e.getOriginalMessage() == null ? "" : e.getOriginalMessage().lines().findFirst().orElse("");
                editor(x, Status.BAD_REQUEST_400, create, kind, TargetForm.values(f, kind), f.get("json"), null,
                        "not valid JSON: " + reason, true);
                return;
            }
            if (parsed == null || !parsed.isObject()) {
                editor(x, Status.BAD_REQUEST_400, create, kind, TargetForm.values(f, kind), f.get("json"), null,
                        "expected one target as a JSON object, e.g. {\"id\": \"web\", \"manual\": {}}", true);
                return;
            }
            spec = (ObjectNode) parsed;
            if (existing.isPresent()) {
                if (spec.hasNonNull("id") && !spec.get("id").asText().equals(existing.get().id())) {
                    editor(x, Status.BAD_REQUEST_400, create, kind, TargetForm.values(f, kind), f.get("json"), null,
                            "id '" + spec.get("id").asText() + "' is not this target's ('" + existing.get().id()
                                    + "'); to rename, create a new target and delete this one", true);
                    return;
                }
                spec.put("id", existing.get().id());
            }
        } else {
            spec = TargetForm.toSpec(kind, f, existing.map(TargetDecl::spec));
            if (existing.isPresent()) {
                spec.put("id", existing.get().id());
            }
        }
        TargetDecl saved;
        try {
            saved = topology.putTarget(spec, create);
        } catch (Topology.Conflict | IllegalArgumentException e) {
            Status status = e instanceof Topology.Conflict ? Status.CONFLICT_409 : Status.BAD_REQUEST_400;
            if (json) {
                editor(x, status, create, kind, TargetForm.values(f, kind), f.get("json"), null, e.getMessage(), true);
            } else {
                editor(x, status, create, kind, TargetForm.values(f, kind), pretty(spec), e.getMessage(), null, false);
            }
            return;
        }
        x.redirect("/admin/target?id=" + Layout.url(saved.id()) + "&ok=" + (create ? "created" : "saved"));
    }

    /**
     * The target editor: the kind's fields and, below, the same declaration as JSON.
     *
     * @param formError an error of the fields form (shown above it and beside the field it names)
     * @param jsonError an error of the JSON form (shown beside the text area, which keeps what was typed)
     * @param jsonFirst JSON is the only way to edit this kind (composites), or was asked for
     */
    private void editor(Exchange x, Status status, boolean create, String kind, Map<String, String> values, String json,
                        String formError, String jsonError, boolean jsonFirst) {
        String id = create ? "" : x.query("id");
        String title = create ? "New " + (jsonFirst ? "target" : kind + " target") : "Edit " + id;
        String action = create ? "/admin/targets/new" : "/admin/target/edit?id=" + Layout.url(id);
        List<Layout.Input> fields = new ArrayList<>();
        if (!jsonFirst) {
            Optional<String> bad = TargetForm.fieldOf(formError, kind);
            if (create) {
                fields.add(field(bad, formError, "id", "Id", values, "e.g. web/api (lower-case path)").asRequired());
            }
            fields.add(field(bad, formError, "name", "Name", values, "shown on the status page"));
            fields.add(field(bad, formError, "group", "Group", values, "optional group id"));
            fields.add(field(bad, formError, "description", "Description", values, ""));
            for (TargetForm.Field f : TargetForm.FIELDS.getOrDefault(kind, List.of())) {
                fields.add(field(bad, formError, f.name(), f.label(), values, f.hint()));
            }
        }
        x.page(status, "admin/targetEditor.jte", new EditorPage(Layout.shell(title, "targets", x), create, action, jsonFirst,
                kind, formError, fields, values.containsKey("paused"), values.containsKey("private"), jsonError, json));
    }

    /**
     * The target editor ({@code admin/targetEditor.jte}): the fields form (unless {@code jsonFirst}) and the JSON one.
     */
    record EditorPage(Layout.Shell shell, boolean create, String action, boolean jsonFirst, String kind, String formError,
                      List<Layout.Input> fields, boolean paused, boolean isPrivate, String jsonError, String json) {
    }

    private static Layout.Input field(Optional<String> bad, String formError, String name, String label,
                                      Map<String, String> values, String hint) {
        return new Layout.Input(name, label, values.get(name), hint, err(bad, name, formError), "text", false);
    }

    private static String err(Optional<String> bad, String field, String error) {
        return bad.isPresent() && bad.get().equals(field) ? error : null;
    }

    // ---------------------------------------------------------------- helpers

    static void notFound(Exchange x, String id) {
        x.page(Status.NOT_FOUND_404, "admin/problem.jte", new Layout.Problem(Layout.shell("Not found", "targets", x),
                "There is no target '" + id + "'.", "/admin/targets", "All targets"));
    }

    static String pretty(JsonNode spec) {
        try {
            return Json.MAPPER.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(spec);
        } catch (JsonProcessingException e) {
            return spec.toString();
        }
    }

    /** Ids in the order people count: {@code bots/main/2} before {@code bots/main/10}. */
    static int natural(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            char ca = a.charAt(i);
            char cb = b.charAt(j);
            if (Character.isDigit(ca) && Character.isDigit(cb)) {
                int si = i;
                int sj = j;
                while (i < a.length() && Character.isDigit(a.charAt(i))) {
                    i++;
                }
                while (j < b.length() && Character.isDigit(b.charAt(j))) {
                    j++;
                }
                String na = a.substring(si, i).replaceFirst("^0+(?=.)", "");
                String nb = b.substring(sj, j).replaceFirst("^0+(?=.)", "");
                int c = na.length() != nb.length() ? Integer.compare(na.length(), nb.length()) : na.compareTo(nb);
                if (c != 0) {
                    return c;
                }
            } else {
                if (ca != cb) {
                    return Character.compare(ca, cb);
                }
                i++;
                j++;
            }
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }

    static int parseInt(String s, int otherwise) {
        return s.matches("\\d{1,6}") ? Integer.parseInt(s) : otherwise;
    }
}
