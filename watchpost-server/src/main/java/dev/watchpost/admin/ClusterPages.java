package dev.watchpost.admin;

import dev.watchpost.cluster.ClusterStatus;
import dev.watchpost.cluster.ClusterView;
import dev.watchpost.web.Html;
import io.helidon.http.Status;

import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Cluster: on a single node, that it is one and how cluster mode is turned on; in cluster mode, the
 * nodes as this node last read them (what {@code GET /api/v1/cluster} answers) and how many reports
 * this node passed to their owners. Read-only.
 */
final class ClusterPages {

    private final ClusterStatus cluster;

    ClusterPages(ClusterStatus cluster) {
        this.cluster = cluster;
    }

    void show(Exchange x) {
        Html h = Layout.page("Cluster", "cluster", x);
        body(h, cluster.view(), cluster.forwarded());
        x.send(Status.OK_200, Layout.close(h));
    }

    /** The page below the top bar: the single-node explanation, or the cluster's summary and nodes. */
    static void body(Html h, Optional<ClusterView> view, OptionalLong forwarded) {
        h.raw("<h1>Cluster</h1>");
        if (view.isEmpty()) {
            single(h);
            return;
        }
        ClusterView v = view.get();
        long live = v.nodes().stream().filter(ClusterView.Node::live).count();
        int ownedHere = v.nodes().stream().filter(ClusterView.Node::self).mapToInt(ClusterView.Node::partitions).sum();
        if (v.unowned() > 0) {
            h.raw("<p class=\"flash error\" role=\"status\" id=\"unowned-warning\">")
                    .text(v.unowned() + (v.unowned() == 1 ? " partition has" : " partitions have") + " no live owner: a "
                            + "node stopped renewing and its leases have not run out yet (about 6 s). Reports for their "
                            + "targets wait for the next owner.")
                    .raw("</p>");
        }
        if (v.nodes().stream().anyMatch(n -> n.live() && !n.sameConfig())) {
            h.raw("<p class=\"flash error\" role=\"status\" id=\"config-warning\">A live node runs with another "
                    + "configuration than this one. Every node must start with the same configuration file and "
                    + "settings.</p>");
        }
        h.raw("<div class=\"card\"><dl class=\"facts\" id=\"summary\"><dt>This node</dt><dd id=\"self\"><code>")
                .text(v.self()).raw("</code></dd><dt>Nodes</dt><dd id=\"nodes-live\">")
                .text(live + " live of " + v.nodes().size() + " known").raw("</dd><dt>Partitions</dt><dd id=\"partitions\">")
                .text(v.partitions() + " in all: " + ownedHere + " owned by this node, " + v.unowned() + " without a live owner")
                .raw("</dd><dt>Last renewal</dt><dd id=\"renewal\">")
                .text(v.renewalAgeMs() < 0 ? "not yet" : ago(v.renewalAgeMs()) + " (this node's leases)").raw("</dd>");
        if (forwarded.isPresent()) {
            h.raw("<dt>Reports forwarded</dt><dd id=\"forwarded\">").text(forwarded.getAsLong())
                    .raw(" <span class=\"muted\">passed to the node that owns their target, since this node started</span></dd>");
        }
        h.raw("</dl></div>");

        h.raw("<h2 id=\"nodes-heading\">Nodes</h2>");
        if (v.nodes().isEmpty()) {
            h.raw("<p class=\"muted\">No nodes read yet: this node has not finished its first round.</p>");
        } else {
            h.raw("<table id=\"nodes\" aria-labelledby=\"nodes-heading\"><thead><tr><th scope=\"col\">Node</th>"
                    + "<th scope=\"col\">Advertise URL</th><th scope=\"col\">Version</th><th scope=\"col\">State</th>"
                    + "<th scope=\"col\">Last seen</th><th scope=\"col\">Started</th><th scope=\"col\">Partitions</th>"
                    + "<th scope=\"col\">Same config</th></tr></thead><tbody>");
            for (ClusterView.Node n : v.nodes()) {
                h.raw("<tr").raw(n.self() ? " class=\"self\"" : "").raw("><td><code>").text(n.id()).raw("</code>");
                if (n.self()) {
                    h.raw(" <span class=\"tag\">this node</span>");
                }
                h.raw("</td><td class=\"message\"><code>").text(n.advertiseUrl()).raw("</code></td><td>").text(n.version())
                        .raw("</td><td>");
                boolean left = !n.live() && n.seenAt() <= 0; // a node that stopped cleanly marks itself gone
                mark(h, n.live() ? "ok" : left ? "unknown" : "bad", n.live() ? "●" : left ? "○" : "■",
                        n.live() ? "live" : left ? "left" : "lost");
                h.raw("</td><td>").text(left ? "—" : ago(n.seenAgoMs())).raw("</td><td>");
                Layout.time(h, n.startedAt());
                h.raw("</td><td>").text(n.partitions()).raw("</td><td>");
                if (n.sameConfig()) {
                    h.raw("yes");
                } else {
                    mark(h, "bad", "■", "no");
                }
                h.raw("</td></tr>");
            }
            h.raw("</tbody></table>");
            h.raw("<p class=\"hint\">Live: renewed within a lease (5 s). Lost: stopped renewing; its partitions go to the "
                    + "live nodes. Left: stopped and handed its partitions over.</p>");
        }
        h.raw("<p class=\"hint\">As this node read it at its last renewal; reload for newer figures. The same is answered "
                + "by <code>GET /api/v1/cluster</code> (with a read token) and the <code>watchpost_cluster_*</code> metrics.</p>");
    }

    private static void single(Html h) {
        h.raw("<div class=\"card\" id=\"single\"><p><strong>This Watchpost runs as a single node.</strong> Cluster mode is "
                + "off: this node owns every target, and there are no other nodes to show.</p>"
                + "<p>Cluster mode lets several Watchpost nodes share one PostgreSQL database, so that losing a machine "
                + "does not blind the monitor: each target has one owner at a time, and a failed node's targets move to "
                + "the others. It is in progress and not ready for production yet. To turn it on, start every node "
                + "with</p><ul>"
                + "<li>the same PostgreSQL database (<code>storage.url</code>, <code>WATCHPOST_DB_URL</code>),</li>"
                + "<li>the same cluster secret, 16 or more characters (<code>cluster.secret</code>, "
                + "<code>WATCHPOST_CLUSTER_SECRET</code>),</li>"
                + "<li>the same sealing key (<code>storage.secrets-key</code>, <code>WATCHPOST_SECRETS_KEY</code>) and "
                + "the same configuration,</li>"
                + "<li>and its own node id and address (<code>cluster.node-id</code>, <code>cluster.advertise-url</code>).</li>"
                + "</ul><p>See the README's \"Running several nodes\".</p></div>");
    }

    /** A state told apart by text and shape, not colour alone, as {@link Layout#state} does. */
    private static void mark(Html h, String severity, String shape, String text) {
        h.raw("<span").attr("class", "state sev-" + severity).raw("><span class=\"shape\" aria-hidden=\"true\">")
                .raw(shape).raw("</span> ").text(text).raw("</span>");
    }

    /** How long ago, for people: "0.4 s ago", "35 s ago", "12 min ago", "3 h ago", "2 days ago". */
    static String ago(long ms) {
        long m = Math.max(0, ms);
        if (m < 10_000) {
            return String.format(Locale.ROOT, "%.1f s ago", m / 1000.0);
        }
        if (m < 120_000) {
            return m / 1000 + " s ago";
        }
        if (m < 120 * 60_000L) {
            return m / 60_000 + " min ago";
        }
        if (m < 48 * 3_600_000L) {
            return m / 3_600_000 + " h ago";
        }
        return m / 86_400_000 + " days ago";
    }
}
