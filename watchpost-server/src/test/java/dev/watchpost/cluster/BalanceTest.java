package dev.watchpost.cluster;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class BalanceTest {

    private static final long NOW = 1_000_000;
    private static final long LEASE = 5_000;

    private static List<Balance.Partition> owned(Map<Integer, String> owners, int count) {
        List<Balance.Partition> out = new ArrayList<>();
        for (int p = 0; p < count; p++) {
            String o = owners.get(p);
            out.add(new Balance.Partition(p, o, o == null ? 0 : 1, o == null ? 0 : NOW + LEASE));
        }
        return out;
    }

    @Test
    void quotasSplitEvenlyAndAddUpToEveryPartition() {
        for (int live = 1; live <= 30; live++) {
            int sum = 0;
            for (int i = 0; i < live; i++) {
                int q = Balance.quota(256, live, i);
                assertThat(q).isBetween(256 / live, 256 / live + 1);
                sum += q;
            }
            assertThat(sum).isEqualTo(256);
        }
    }

    @Test
    void aLoneNodeClaimsEveryFreePartition() {
        var plan = Balance.plan("a", NOW, LEASE, List.of(new Balance.Node("a", NOW)), owned(Map.of(), 256));
        assertThat(plan.claim()).hasSize(256);
        assertThat(plan.release()).isEmpty();
    }

    @Test
    void aNodeNeverTakesAPartitionWhoseOwnerStillRenewsIt() {
        Map<Integer, String> owners = new HashMap<>();
        for (int p = 0; p < 256; p++) {
            owners.put(p, "a");
        }
        var nodes = List.of(new Balance.Node("a", NOW), new Balance.Node("b", NOW));
        var b = Balance.plan("b", NOW, LEASE, nodes, owned(owners, 256));
        assertThat(b.claim()).as("b waits for a to release").isEmpty();
        var a = Balance.plan("a", NOW, LEASE, nodes, owned(owners, 256));
        assertThat(a.release()).hasSize(128); // b's quota: a gives up its surplus
        assertThat(a.claim()).isEmpty();
    }

    @Test
    void aBalancedClusterStaysStill() {
        Map<Integer, String> owners = new HashMap<>();
        for (int p = 0; p < 256; p++) {
            owners.put(p, p < 86 ? "a" : p < 171 ? "b" : "c");
        }
        var nodes = List.of(new Balance.Node("a", NOW), new Balance.Node("b", NOW), new Balance.Node("c", NOW));
        for (String me : List.of("a", "b", "c")) {
            var plan = Balance.plan(me, NOW, LEASE, nodes, owned(owners, 256));
            assertThat(plan.claim()).as(me).isEmpty();
            assertThat(plan.release()).as(me).isEmpty();
        }
    }

    @Test
    void theSurvivorsShareTheLeftNodesPartitionsOnceItsLeasesRunOut() {
        Map<Integer, String> owners = new HashMap<>();
        for (int p = 0; p < 256; p++) {
            owners.put(p, p < 86 ? "a" : p < 171 ? "b" : "c");
        }
        // c stopped renewing a lease ago: its node row and its partitions' leases are both stale
        List<Balance.Partition> partitions = new ArrayList<>();
        for (Balance.Partition p : owned(owners, 256)) {
            partitions.add(p.owner().equals("c") ? new Balance.Partition(p.number(), "c", 1, NOW - 1) : p);
        }
        var nodes = List.of(new Balance.Node("a", NOW), new Balance.Node("b", NOW), new Balance.Node("c", NOW - LEASE - 1));
        var a = Balance.plan("a", NOW, LEASE, nodes, partitions);
        var b = Balance.plan("b", NOW, LEASE, nodes, partitions);
        assertThat(a.claim()).hasSize(128 - 86);
        assertThat(b.claim()).hasSize(128 - 85);
        assertThat(a.claim()).allMatch(p -> p >= 171);
        // both may try the same free partitions; the database gives each to one (the claim's WHERE)
        assertThat(a.release()).isEmpty();
        assertThat(b.release()).isEmpty();
    }

    @Test
    void aNodeOnlyCountsNodesSeenWithinALease() {
        var nodes = List.of(new Balance.Node("a", NOW), new Balance.Node("b", NOW - LEASE),
                new Balance.Node("c", NOW - LEASE - 1));
        assertThat(Balance.live(nodes, "a", NOW, LEASE)).containsExactly("a", "b");
        assertThat(Balance.live(List.of(), "z", NOW, LEASE)).containsExactly("z");
    }

    @Test
    void partitionsAreStableAndSpreadOverTheWholeRange() {
        assertThat(Partitions.of("bots/main/0")).isEqualTo(Partitions.of("bots/main/0"));
        int[] counts = new int[Partitions.COUNT];
        for (int i = 0; i < 25_600; i++) {
            counts[Partitions.of("group/" + i)]++;
        }
        for (int c : counts) {
            assertThat(c).isBetween(50, 150); // 100 on average
        }
        // fixed values: every node of every version must agree (the hash is part of the protocol)
        assertThat(Partitions.of("")).isEqualTo(Integer.remainderUnsigned(0x811c9dc5, 256));
        assertThat(Partitions.of("a")).isEqualTo(Integer.remainderUnsigned((0x811c9dc5 ^ 'a') * 0x01000193, 256));
    }
}
