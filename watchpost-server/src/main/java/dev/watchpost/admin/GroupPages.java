package dev.watchpost.admin;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.watchpost.live.GroupView;
import dev.watchpost.live.LiveState;
import dev.watchpost.live.State;
import dev.watchpost.targets.Topology;
import io.helidon.http.Status;

import java.util.ArrayList;
import java.util.List;
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
        List<GroupRow> groups = new ArrayList<>();
        for (GroupView g : live.freshSnapshot().groups()) {
            StringBuilder counts = new StringBuilder();
            for (Map.Entry<State, Integer> c : g.counts().entrySet()) {
                counts.append(counts.isEmpty() ? "" : ", ").append(c.getValue()).append(' ').append(c.getKey().id());
            }
            groups.add(new GroupRow(g.id(), g.name(), g.shards() > 0 ? Integer.toString(g.shards()) : "—",
                    g.lease() == null ? "—" : g.lease(), g.total(), Layout.severity(g.severity()), counts.toString()));
        }
        List<Layout.Input> fields = List.of(
                Layout.Input.text("id", "Id", typed.get("id"), "e.g. bots or bots/main").asRequired(),
                Layout.Input.text("name", "Name", typed.get("name"), ""),
                Layout.Input.text("shards", "Shards", typed.get("shards"), "a sharded group: its number of shards"),
                Layout.Input.text("lease", "Lease", typed.get("lease"), "the shards' lease, e.g. 30s"));
        x.page(status, "admin/groups.jte", new ListPage(Layout.shell("Groups", "groups", x), groups, error, fields));
    }

    /** The groups ({@code admin/groups.jte}) and the new-group form, with what was typed when it was refused. */
    record ListPage(Layout.Shell shell, List<GroupRow> groups, String error, List<Layout.Input> fields) {
    }

    /** @param worst the worst severity among its targets */
    record GroupRow(String id, String name, String shards, String lease, int total, String worst, String counts) {
    }

    /** One group ({@code admin/group.jte}); {@code fields} null when it is declared in the configuration. */
    record DetailPage(Layout.Shell shell, String id, String name, int total, String error, List<Layout.Input> fields,
                      boolean isPrivate) {
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
        if (f.checked("private")) {
            spec.put("public", false);
        }
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
            x.page(Status.NOT_FOUND_404, "admin/problem.jte", new Layout.Problem(Layout.shell("Not found", "groups", x),
                    "There is no group '" + id + "'.", null, null));
            return;
        }
        GroupView v = g.get();
        List<Layout.Input> fields = null;
        if (!topology.managedByConfig(id)) {
            fields = new ArrayList<>();
            fields.add(Layout.Input.text("name", "Name", v.name(), ""));
            if (v.shards() > 0) {
                fields.add(Layout.Input.text("lease", "Lease", v.lease(), "e.g. 30s"));
            }
        }
        boolean isPrivate = live.group(id).map(n -> !n.def().isPublic()).orElse(false);
        x.page(status, "admin/group.jte", new DetailPage(Layout.shell(v.name(), "groups", x), v.id(), v.name(), v.total(),
                error, fields, isPrivate));
    }

    void save(Exchange x) {
        String id = x.query("id");
        Optional<GroupView> g = live.snapshot().groups().stream().filter(v -> v.id().equals(id)).findFirst();
        ObjectNode spec = JsonNodeFactory.instance.objectNode();
        spec.put("id", id);
        put(spec, "name", x.form().trimmed("name"));
        g.filter(v -> v.shards() > 0).ifPresent(v -> spec.put("shards", v.shards()));
        put(spec, "lease", x.form().trimmed("lease"));
        if (x.form().checked("private")) {
            spec.put("public", false);
        }
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
        x.page(Status.OK_200, "admin/groupDelete.jte", new Layout.Confirm(Layout.shell("Delete group", "groups", x), id, id,
                "/admin/group/delete?id=" + Layout.url(id), "Delete group", "/admin/group?id=" + Layout.url(id)));
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
