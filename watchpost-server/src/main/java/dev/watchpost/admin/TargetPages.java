package dev.watchpost.admin;

import dev.watchpost.web.Html;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.watchpost.live.Held;
import dev.watchpost.live.LiveState;
import dev.watchpost.live.Snapshot;
import dev.watchpost.live.State;
import dev.watchpost.live.TargetView;
import dev.watchpost.live.Transition;
import dev.watchpost.manual.ManualService;
import dev.watchpost.manual.ManualStatus;
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
    private static final List<String> ALL_KINDS = List.of("push", "http", "tcp", "tls", "stats", "manual", "composite");

    private final LiveState live;
    private final Topology topology;
    private final TopologyStore topologyStore;
    private final ManualService manual;

    TargetPages(LiveState live, Topology topology, TopologyStore topologyStore, ManualService manual) {
        this.live = live;
        this.topology = topology;
        this.topologyStore = topologyStore;
        this.manual = manual;
    }

    // ---------------------------------------------------------------- list

    /** {@code ?q=&state=&kind=&page=}: matching targets by id, 50 a page. */
    void list(Exchange x) {
        String q = x.query("q").strip().toLowerCase(Locale.ROOT);
        Optional<State> state = State.parse(x.query("state"));
        String kind = ALL_KINDS.contains(x.query("kind")) ? x.query("kind") : "";
        Snapshot snap = live.freshSnapshot();
        List<TargetView> found = new ArrayList<>();
        snap.forEachTarget(v -> {
            if ((q.isEmpty() || v.id().contains(q) || v.name().toLowerCase(Locale.ROOT).contains(q))
                    && (state.isEmpty() || v.state() == state.get()) && (kind.isEmpty() || kind.equals(v.kind()))) {
                found.add(v);
            }
        });
        found.sort(Comparator.comparing(TargetView::id, TargetPages::natural));
        int pages = Math.max(1, (found.size() + PAGE_SIZE - 1) / PAGE_SIZE);
        int page = Math.min(pages, Math.max(1, parseInt(x.query("page"), 1)));
        int from = (page - 1) * PAGE_SIZE;
        List<TargetView> shown = found.subList(Math.min(from, found.size()), Math.min(from + PAGE_SIZE, found.size()));

        Html h = Layout.page("Targets", "targets", x);
        h.raw("<div class=\"actions\"><h1>Targets</h1><a class=\"button\" href=\"/admin/targets/new\">New target</a></div>");
        h.raw("<form method=\"get\" action=\"/admin/targets\" class=\"search\" role=\"search\">");
        h.raw("<div class=\"field\"><label for=\"f-q\">Search id or name</label><input id=\"f-q\" name=\"q\" type=\"search\"")
                .attr("value", x.query("q")).raw("></div>");
        h.raw("<div class=\"field\"><label for=\"f-state\">State</label><select id=\"f-state\" name=\"state\"><option value=\"\">any</option>");
        for (State s : State.values()) {
            h.raw("<option").attr("value", s.id()).flag("selected", state.isPresent() && state.get() == s).raw(">")
                    .text(s.id()).raw("</option>");
        }
        h.raw("</select></div><div class=\"field\"><label for=\"f-kind\">Kind</label><select id=\"f-kind\" name=\"kind\">"
                + "<option value=\"\">any</option>");
        for (String k : ALL_KINDS) {
            h.raw("<option").attr("value", k).flag("selected", k.equals(kind)).raw(">").text(k).raw("</option>");
        }
        h.raw("</select></div><button type=\"submit\">Search</button></form>");
        h.raw("<p class=\"muted\" id=\"count\">").text(found.isEmpty() ? "No targets match."
                : "Showing " + (from + 1) + "–" + (from + shown.size()) + " of " + found.size() + " targets.").raw("</p>");
        if (!shown.isEmpty()) {
            h.raw("<table id=\"targets\"><thead><tr><th>Target</th><th>Kind</th><th>Group</th><th>State</th><th>Message</th>"
                    + "<th>Since</th></tr></thead><tbody>");
            for (TargetView v : shown) {
                h.raw("<tr><td><a").attr("href", "/admin/target?id=" + Layout.url(v.id())).raw(">").text(v.name())
                        .raw("</a><br><code class=\"muted\">").text(v.id()).raw("</code></td><td>").text(v.kind())
                        .raw("</td><td>").text(v.groupId()).raw("</td><td>");
                Layout.state(h, v.state());
                h.raw("</td><td class=\"message\">").text(v.message()).raw("</td><td>");
                Layout.time(h, v.since());
                h.raw("</td></tr>");
            }
            h.raw("</tbody></table>");
        }
        if (pages > 1) {
            String base = "/admin/targets?q=" + Layout.url(x.query("q")) + "&state=" + Layout.url(x.query("state"))
                    + "&kind=" + Layout.url(kind) + "&page=";
            h.raw("<nav class=\"pager\" aria-label=\"pages\">");
            if (page > 1) {
                h.raw("<a rel=\"prev\"").attr("href", base + (page - 1)).raw(">← Previous</a>");
            }
            h.raw("<span>").text("Page " + page + " of " + pages).raw("</span>");
            if (page < pages) {
                h.raw("<a rel=\"next\"").attr("href", base + (page + 1)).raw(">Next →</a>");
            }
            h.raw("</nav>");
        }
        x.send(Status.OK_200, Layout.close(h));
    }

    // ---------------------------------------------------------------- one target

    void detail(Exchange x) {
        detail(x, Status.OK_200, null, null);
    }

    /** The target page; {@code error} (with the status form's values kept) after a refused action. */
    private void detail(Exchange x, Status status, String error, Form statusForm) {
        String id = x.query("id");
        Optional<TargetView> found = live.target(id);
        if (found.isEmpty()) {
            notFound(x, id);
            return;
        }
        TargetView v = found.get();
        Optional<TargetDecl> decl = topology.declaration(id);
        boolean managed = topology.managedByConfig(id);
        Html h = Layout.page(v.name(), "targets", x);
        h.raw("<h1>").text(v.name()).raw(" <span>").text(v.id()).raw("</span></h1>");
        if (error != null) {
            Layout.error(h, error);
        }
        h.raw("<div class=\"card\"><dl class=\"facts\"><dt>State</dt><dd id=\"state\">");
        Layout.state(h, v.state());
        h.raw("</dd><dt>Message</dt><dd id=\"message\">").text(v.message() == null ? "—" : v.message()).raw("</dd>");
        h.raw("<dt>Kind</dt><dd>").text(v.kind()).raw("</dd>");
        if (v.groupId() != null) {
            h.raw("<dt>Group</dt><dd><a").attr("href", "/admin/group?id=" + Layout.url(v.groupId())).raw(">")
                    .text(v.groupId()).raw("</a></dd>");
        }
        h.raw("<dt>Since</dt><dd>");
        Layout.time(h, v.since());
        h.raw("</dd><dt>Last report</dt><dd>");
        Layout.time(h, v.lastSeen());
        h.raw("</dd>");
        if (v.lease() != null) {
            h.raw("<dt>Lease</dt><dd>").text(v.lease()).raw("</dd>");
        }
        Optional<Held> held = live.held(id);
        if (held.isPresent()) {
            h.raw("<dt>Held</dt><dd id=\"held\">").text(describe(held.get())).raw("</dd>");
        }
        h.raw("</dl></div>");

        if (decl.isEmpty()) {
            h.raw("<p class=\"hint\">").text(v.shard() >= 0 ? "A shard of its group: change the group's shard count to change it."
                    : "Made by a protocol; it has no declaration to edit.").raw("</p>");
        } else if (managed) {
            h.raw("<p class=\"hint\">Declared in the configuration file: change it there.</p>");
        } else {
            boolean paused = decl.get().paused();
            h.raw("<div class=\"actions\"><a class=\"button\"").attr("href", "/admin/target/edit?id=" + Layout.url(id)).raw(">Edit</a>");
            h.raw("<form method=\"post\"").attr("action", "/admin/target/" + (paused ? "resume" : "pause") + "?id=" + Layout.url(id)).raw(">");
            Layout.csrf(h, x);
            h.raw("<button type=\"submit\" class=\"secondary\">").raw(paused ? "Resume" : "Pause").raw("</button></form>");
            h.raw("<a class=\"button secondary\"").attr("href", "/admin/target/delete?id=" + Layout.url(id)).raw(">Delete…</a></div>");
        }
        if (decl.isPresent() && ManualService.KIND.equals(decl.get().kind())) {
            statusForm(h, x, id, statusForm);
        }
        if (decl.isPresent()) {
            h.raw("<h2>Declaration</h2><pre id=\"spec\">").text(pretty(decl.get().spec())).raw("</pre>");
        }
        List<Transition> recent = topologyStore.recentTransitions(id, 10);
        if (!recent.isEmpty()) {
            h.raw("<h2>Recent changes</h2><table><thead><tr><th>When</th><th>From</th><th>To</th><th>Why</th></tr></thead><tbody>");
            for (Transition t : recent) {
                h.raw("<tr><td>");
                Layout.time(h, t.at());
                h.raw("</td><td>");
                Layout.state(h, t.from());
                h.raw("</td><td>");
                Layout.state(h, t.to());
                h.raw("</td><td class=\"message\">").text(t.reason()).raw("</td></tr>");
            }
            h.raw("</tbody></table>");
        }
        x.send(status, Layout.close(h));
    }

    private static String describe(Held held) {
        List<String> why = new ArrayList<>();
        for (String holder : held.holders()) {
            why.add(holder.equals("paused") ? "paused" : holder.startsWith("notice:")
                    ? "maintenance (notice " + holder.substring("notice:".length()) + ")" : holder);
        }
        return String.join(", ", why) + "; its reports say " + held.underlying().id();
    }

    private void statusForm(Html h, Exchange x, String id, Form typed) {
        ManualStatus current = manual.currentStatus(id);
        String chosen = typed != null ? typed.get("status") : current.slug();
        h.raw("<h2>Set status</h2><form method=\"post\" class=\"card\" id=\"status-form\"")
                .attr("action", "/admin/target/status?id=" + Layout.url(id)).raw(">");
        Layout.csrf(h, x);
        h.raw("<div class=\"field\"><label for=\"f-status\">Status</label><select id=\"f-status\" name=\"status\">");
        for (ManualStatus s : manual.statuses()) {
            h.raw("<option").attr("value", s.slug()).flag("selected", s.slug().equals(chosen)).raw(">").text(s.name())
                    .text(" (" + ManualStatus.severityId(s.severity()) + ")").raw("</option>");
        }
        h.raw("</select></div>");
        Layout.textarea(h, "message", "Message", typed == null ? "" : typed.get("message"), 3, "What people should know");
        Layout.checkbox(h, "informational", "Only a note: keep the current status", typed != null && typed.checked("informational"));
        h.raw("<button type=\"submit\">Record status</button></form>");
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
        Html h = Layout.page("Delete " + v.get().name(), "targets", x);
        h.raw("<h1>Delete ").text(v.get().name()).raw("?</h1><p>The target <code>").text(id)
                .raw("</code>, its state and its manual events are deleted; its history stays. This cannot be undone.</p>");
        h.raw("<div class=\"actions\"><form method=\"post\"").attr("action", "/admin/target/delete?id=" + Layout.url(id)).raw(">");
        Layout.csrf(h, x);
        h.raw("<button type=\"submit\" class=\"danger\">Delete target</button></form><a")
                .attr("href", "/admin/target?id=" + Layout.url(id)).raw(">Cancel</a></div>");
        x.send(Status.OK_200, Layout.close(h));
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
            Html h = Layout.page("New target", "targets", x);
            h.raw("<h1>New target</h1><p>What kind of target?</p><div class=\"kinds\">");
            String[][] kinds = {{"push", "Push: it reports in"}, {"http", "HTTP check"}, {"tcp", "TCP port"},
                    {"tls", "TLS certificate"}, {"stats", "Stats agent"}, {"manual", "Manual: people set its status"},
                    {"json", "Any kind, as JSON"}};
            for (String[] k : kinds) {
                h.raw("<a class=\"button secondary\"").attr("href", "/admin/targets/new?kind=" + k[0]).raw(">").text(k[1]).raw("</a>");
            }
            h.raw("</div>");
            x.send(Status.OK_200, Layout.close(h));
            return;
        }
        String template = "{\n  \"id\": \"\",\n  \"name\": \"\",\n  \"" + (kind.equals("json") ? "push" : kind) + "\": {}\n}";
        editor(x, Status.OK_200, true, kind.equals("json") ? "push" : kind, TargetForm.values(x.form(), kind), template,
                null, null, kind.equals("json"));
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
        String kind = decl.get().kind();
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
        String kind = existing.map(TargetDecl::kind).orElse(f.trimmed("kind"));
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
        Html h = Layout.page(title, "targets", x);
        h.raw("<h1>").text(title).raw("</h1>");
        String action = create ? "/admin/targets/new" : "/admin/target/edit?id=" + Layout.url(id);
        if (!jsonFirst) {
            Optional<String> bad = TargetForm.fieldOf(formError, kind);
            h.raw("<form method=\"post\" class=\"card\" id=\"target-form\"").attr("action", action).raw(">");
            Layout.csrf(h, x);
            h.raw("<input type=\"hidden\" name=\"mode\" value=\"form\"><input type=\"hidden\" name=\"kind\"").attr("value", kind).raw(">");
            if (formError != null) {
                Layout.error(h, formError);
            }
            h.raw("<div class=\"grid\">");
            if (create) {
                Layout.input(h, "id", "Id", values.get("id"), "e.g. web/api (lower-case path)", err(bad, "id", formError), "text", true);
            }
            Layout.input(h, "name", "Name", values.get("name"), "shown on the status page", err(bad, "name", formError), "text", false);
            Layout.input(h, "group", "Group", values.get("group"), "optional group id", err(bad, "group", formError), "text", false);
            Layout.input(h, "description", "Description", values.get("description"), "", err(bad, "description", formError),
                    "text", false);
            for (TargetForm.Field field : TargetForm.FIELDS.getOrDefault(kind, List.of())) {
                Layout.input(h, field.name(), field.label(), values.get(field.name()), field.hint(),
                        err(bad, field.name(), formError), "text", false);
            }
            h.raw("</div>");
            Layout.checkbox(h, "paused", "Paused (not checked; shown as maintenance)", values.containsKey("paused"));
            h.raw("<button type=\"submit\">").raw(create ? "Create target" : "Save").raw("</button></form>");
        }
        h.raw("<h2>").raw(jsonFirst ? "Declaration (JSON)" : "Advanced: JSON").raw("</h2>");
        h.raw("<form method=\"post\" class=\"card\" id=\"json-form\"").attr("action", action).raw(">");
        Layout.csrf(h, x);
        h.raw("<input type=\"hidden\" name=\"mode\" value=\"json\">");
        h.raw("<p class=\"hint\">The same declaration the API and the config file take "
                + "(see the README's \"Groups and targets\").</p>");
        if (jsonError != null) {
            Layout.error(h, jsonError);
        }
        h.raw("<div class=\"field").raw(jsonError != null ? " invalid" : "").raw("\"><label for=\"f-json\">Declaration</label>"
                + "<textarea id=\"f-json\" name=\"json\" class=\"code\" rows=\"14\" spellcheck=\"false\"")
                .raw(jsonError != null ? " aria-invalid=\"true\"" : "").raw(">").text(json).raw("</textarea></div>");
        h.raw("<button type=\"submit\">").raw(create ? "Create from JSON" : "Save JSON").raw("</button></form>");
        x.send(status, Layout.close(h));
    }

    private static String err(Optional<String> bad, String field, String error) {
        return bad.isPresent() && bad.get().equals(field) ? error : null;
    }

    // ---------------------------------------------------------------- helpers

    static void notFound(Exchange x, String id) {
        Html h = Layout.page("Not found", "targets", x);
        h.raw("<h1>Not found</h1>");
        Layout.error(h, "There is no target '" + id + "'.");
        h.raw("<p><a href=\"/admin/targets\">All targets</a></p>");
        x.send(Status.NOT_FOUND_404, Layout.close(h));
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
