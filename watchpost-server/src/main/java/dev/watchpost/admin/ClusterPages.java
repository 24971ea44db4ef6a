package dev.watchpost.admin;

import dev.watchpost.cluster.ClusterStatus;
import dev.watchpost.cluster.ClusterView;
import dev.watchpost.live.Severity;
import dev.watchpost.web.Templates;
import dev.watchpost.web.Times;
import io.helidon.http.Status;

import java.util.ArrayList;
import java.util.List;
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

    /** The cluster page ({@code admin/cluster.jte}). */
    record Page(Layout.Shell shell, Body body) {
    }

    /**
     * Below the top bar ({@code admin/clusterBody.jte}): {@code summary} is null on a single node;
     * {@code times} writes the nodes' start times.
     */
    record Body(Summary summary, Times times) {
    }

    /**
     * The cluster as this node read it.
     *
     * @param unownedWarning how many partitions have no live owner, in words; null when none
     * @param forwarded      reports passed on since start; null when not counted
     */
    record Summary(String unownedWarning, boolean configWarning, String self, String nodes, String partitions,
                   String renewal, Long forwarded, List<NodeRow> rows) {
    }

    /** A node's row; its state by {@code severity}, {@code shape} and words ({@code state}). */
    record NodeRow(String id, boolean self, String advertiseUrl, String version, String severity, String shape,
                   String state, String seen, long startedAt, int partitions, boolean sameConfig) {
    }

    void show(Exchange x) {
        x.page(Status.OK_200, "admin/cluster.jte", new Page(Layout.shell("Cluster", "cluster", x),
                body(cluster.view(), cluster.forwarded(), x.times())));
    }

    /** The page below the top bar on its own, as {@code admin/clusterBody.jte} renders it. */
    static String render(Optional<ClusterView> view, OptionalLong forwarded, Times times) {
        return Templates.render("admin/clusterBody.jte", body(view, forwarded, times));
    }

    /** The single-node explanation (empty view), or the cluster's summary and nodes. */
    static Body body(Optional<ClusterView> view, OptionalLong forwarded, Times times) {
        if (view.isEmpty()) {
            return new Body(null, times);
        }
        ClusterView v = view.get();
        long live = v.nodes().stream().filter(ClusterView.Node::live).count();
        int ownedHere = v.nodes().stream().filter(ClusterView.Node::self).mapToInt(ClusterView.Node::partitions).sum();
        String unowned = v.unowned() <= 0 ? null
                : v.unowned() + (v.unowned() == 1 ? " partition has" : " partitions have") + " no live owner: a "
                + "node stopped renewing and its leases have not run out yet (about 6 s). Reports for their "
                + "targets wait for the next owner.";
        List<NodeRow> rows = new ArrayList<>();
        for (ClusterView.Node n : v.nodes()) {
            boolean left = !n.live() && n.seenAt() <= 0; // a node that stopped cleanly marks itself gone
            rows.add(new NodeRow(n.id(), n.self(), n.advertiseUrl(), n.version(), n.live() ? "ok" : left ? "unknown" : "bad",
                    Layout.shape(n.live() ? Severity.OK : left ? Severity.UNKNOWN : Severity.BAD), n.live() ? "live" : left ? "left" : "lost",
                    left ? "—" : ago(n.seenAgoMs()), n.startedAt(), n.partitions(), n.sameConfig()));
        }
        return new Body(new Summary(unowned, v.nodes().stream().anyMatch(n -> n.live() && !n.sameConfig()), v.self(),
                live + " live of " + v.nodes().size() + " known",
                v.partitions() + " in all: " + ownedHere + " owned by this node, " + v.unowned() + " without a live owner",
                v.renewalAgeMs() < 0 ? "not yet" : ago(v.renewalAgeMs()) + " (this node's leases)",
                forwarded.isPresent() ? forwarded.getAsLong() : null, rows), times);
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
