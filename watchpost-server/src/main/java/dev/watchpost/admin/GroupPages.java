package dev.watchpost.admin;

import dev.watchpost.web.Html;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.watchpost.live.GroupView;
import dev.watchpost.live.LiveState;
import dev.watchpost.live.State;
import dev.watchpost.targets.Topology;
import io.helidon.http.Status;

import java.util.Map;
import java.util.Optional;

/** Groups: list with roll-ups, create (form or JSON), rename or change the lease, delete an empty one. */
final class GroupPages {

    private final LiveState live;
    private final Topology topology;

    GroupPages(LiveState live, Topology topology) {
        this.live = live;
        this.topology = topology;
    }

    void list(Exchange x) {
        list(x, Status.OK_200, null, Form.empty());
    }

    private void list(Exchange x, Status status, String error, Form typed) {
        Html h = Layout.page("Groups", "groups", x);
        h.raw("<h1>Groups</h1>");
        var groups = live.freshSnapshot().groups();
        if (groups.isEmpty()) {
            h.raw("<p class=\"muted\">No groups yet.</p>");
        } else {
            h.raw("<table id=\"groups\"><thead><tr><th>Group</th><th>Shards</th><th>Lease</th><th>Targets</th><th>Worst</th>"
                    + "<th>Counts</th></tr></thead><tbody>");
            for (GroupView g : groups) {
                h.raw("<tr><td><a").attr("href", "/admin/group?id=" + Layout.url(g.id())).raw(">").text(g.name())
                        .raw("</a><br><code class=\"muted\">").text(g.id()).raw("</code></td><td>")
                        .text(g.shards() > 0 ? Integer.toString(g.shards()) : "—").raw("</td><td>")
                        .text(g.lease() == null ? "—" : g.lease()).raw("</td><td>").text(g.total()).raw("</td><td>")
                        .raw("<span").attr("class", "state sev-" + Layout.severity(g.severity())).raw(">")
                        .text(Layout.severity(g.severity())).raw("</span></td><td>");
                StringBuilder counts = new StringBuilder();
                for (Map.Entry<State, Integer> c : g.counts().entrySet()) {
                    counts.append(counts.isEmpty() ? "" : ", ").append(c.getValue()).append(' ').append(c.getKey().id());
                }
                h.text(counts.toString()).raw("</td></tr>");
            }
            h.raw("</tbody></table>");
        }
        h.raw("<h2>New group</h2><form method=\"post\" action=\"/admin/groups/new\" class=\"card\" id=\"group-form\">");
        Layout.csrf(h, x);
        if (error != null) {
            Layout.error(h, error);
        }
        h.raw("<div class=\"grid\">");
        Layout.input(h, "id", "Id", typed.get("id"), "e.g. bots or bots/main", null, "text", true);
        Layout.input(h, "name", "Name", typed.get("name"), "", null, "text", false);
        Layout.input(h, "shards", "Shards", typed.get("shards"), "a sharded group: its number of shards", null, "text", false);
        Layout.input(h, "lease", "Lease", typed.get("lease"), "the shards' lease, e.g. 30s", null, "text", false);
        h.raw("</div><button type=\"submit\">Create group</button></form>");
        x.send(status, Layout.close(h));
    }

    void create(Exchange x) {
        Form f = x.form();
        ObjectNode spec = JsonNodeFactory.instance.objectNode();
        put(spec, "id", f.trimmed("id"));
        put(spec, "name", f.trimmed("name"));
        if (f.trimmed("shards").matches("\\d{1,9}")) {
            spec.put("shards", Integer.parseInt(f.trimmed("shards")));
        } else {
            put(spec, "shards", f.trimmed("shards"));
        }
        put(spec, "lease", f.trimmed("lease"));
        try {
            String id = topology.putGroup(spec, true).id();
            x.redirect("/admin/group?id=" + Layout.url(id) + "&ok=created");
        } catch (Topology.Conflict e) {
            list(x, Status.CONFLICT_409, e.getMessage(), f);
        } catch (IllegalArgumentException e) {
            list(x, Status.BAD_REQUEST_400, e.getMessage(), f);
        }
    }

    private static void put(ObjectNode o, String key, String value) {
        if (!value.isEmpty()) {
            o.put(key, value);
        }
    }

    void detail(Exchange x) {
        detail(x, Status.OK_200, null);
    }

    private void detail(Exchange x, Status status, String error) {
        String id = x.query("id");
        Optional<GroupView> g = live.freshSnapshot().groups().stream().filter(v -> v.id().equals(id)).findFirst();
        if (g.isEmpty()) {
            Html h = Layout.page("Not found", "groups", x);
            Layout.error(h.raw("<h1>Not found</h1>"), "There is no group '" + id + "'.");
            x.send(Status.NOT_FOUND_404, Layout.close(h));
            return;
        }
        GroupView v = g.get();
        Html h = Layout.page(v.name(), "groups", x);
        h.raw("<h1>").text(v.name()).raw(" <span>").text(v.id()).raw("</span></h1>");
        if (error != null) {
            Layout.error(h, error);
        }
        h.raw("<p><a").attr("href", "/admin/targets?q=" + Layout.url(v.id() + "/")).raw(">Its targets</a> (")
                .text(v.total()).raw(")</p>");
        if (topology.managedByConfig(id)) {
            h.raw("<p class=\"hint\">Declared in the configuration: change it there.</p>");
        } else {
            h.raw("<form method=\"post\" class=\"card\" id=\"group-edit\"").attr("action", "/admin/group/edit?id=" + Layout.url(id)).raw(">");
            Layout.csrf(h, x);
            h.raw("<div class=\"grid\">");
            Layout.input(h, "name", "Name", v.name(), "", null, "text", false);
            if (v.shards() > 0) {
                Layout.input(h, "lease", "Lease", v.lease(), "e.g. 30s", null, "text", false);
            }
            h.raw("</div><button type=\"submit\">Save</button></form>");
            h.raw("<div class=\"actions\"><a class=\"button secondary\"").attr("href", "/admin/group/delete?id=" + Layout.url(id))
                    .raw(">Delete…</a></div>");
        }
        x.send(status, Layout.close(h));
    }

    void save(Exchange x) {
        String id = x.query("id");
        Optional<GroupView> g = live.snapshot().groups().stream().filter(v -> v.id().equals(id)).findFirst();
        ObjectNode spec = JsonNodeFactory.instance.objectNode();
        spec.put("id", id);
        put(spec, "name", x.form().trimmed("name"));
        g.filter(v -> v.shards() > 0).ifPresent(v -> spec.put("shards", v.shards()));
        put(spec, "lease", x.form().trimmed("lease"));
        try {
            topology.putGroup(spec, false);
        } catch (Topology.Conflict e) {
            detail(x, Status.CONFLICT_409, e.getMessage());
            return;
        } catch (IllegalArgumentException e) {
            detail(x, Status.BAD_REQUEST_400, e.getMessage());
            return;
        }
        x.redirect("/admin/group?id=" + Layout.url(id) + "&ok=saved");
    }

    void confirmDelete(Exchange x) {
        String id = x.query("id");
        Html h = Layout.page("Delete group", "groups", x);
        h.raw("<h1>Delete group <code>").text(id).raw("</code>?</h1><p>Only an empty group can be deleted (a sharded group "
                + "goes with its shards).</p><div class=\"actions\"><form method=\"post\"")
                .attr("action", "/admin/group/delete?id=" + Layout.url(id)).raw(">");
        Layout.csrf(h, x);
        h.raw("<button type=\"submit\" class=\"danger\">Delete group</button></form><a")
                .attr("href", "/admin/group?id=" + Layout.url(id)).raw(">Cancel</a></div>");
        x.send(Status.OK_200, Layout.close(h));
    }

    void delete(Exchange x) {
        String id = x.query("id");
        try {
            if (!topology.removeGroup(id)) {
                detail(x, Status.NOT_FOUND_404, "There is no group '" + id + "'.");
                return;
            }
        } catch (Topology.Conflict e) {
            detail(x, Status.CONFLICT_409, e.getMessage());
            return;
        }
        x.redirect("/admin/groups?ok=deleted");
    }
}
