package dev.watchpost.cluster;

import dev.watchpost.store.Database;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The cluster's rows (V12): nodes and partition leases. Every time is the database's clock, read in
 * the statement that uses it, so no node's own clock decides whether a lease has run out.
 */
final class ClusterStore {

    /** The database's clock in epoch milliseconds (PostgreSQL). */
    private static final String NOW = "(EXTRACT(EPOCH FROM clock_timestamp()) * 1000)::BIGINT";

    private final Database db;

    ClusterStore(Database db) {
        this.db = db;
    }

    /** A node row as stored. */
    record NodeRow(String id, String advertiseUrl, String configDigest, String version, String incarnation,
                   long startedAt, long seenAt) {
    }

    /** What one round read: the database's time, this node's renewed partitions, every node and partition. */
    record Round(long now, Map<Integer, Long> renewed, List<NodeRow> nodes, List<Balance.Partition> partitions) {
    }

    /** Creates the partition rows once (the first node to start); later starts find them. */
    void seed(int count) {
        db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO cluster_partition (partition_no, owner, epoch, "
                    + "lease_until) VALUES (?, NULL, 0, 0) ON CONFLICT (partition_no) DO NOTHING")) {
                for (int p = 0; p < count; p++) {
                    ps.setInt(1, p);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return null;
        });
    }

    List<NodeRow> nodes() {
        return db.read(ClusterStore::nodes);
    }

    long now() {
        return db.read(ClusterStore::now);
    }

    /**
     * Records that this node is alive, extends the lease of every partition of {@code held}
     * (partition → epoch) it still owns at that epoch, and reads the whole table, in one transaction.
     *
     * <p>A lease that ran out is extended too when the epoch is unchanged: no other node has owned the
     * partition since (a claim raises the epoch), so nothing this node decided meanwhile conflicts
     * with anyone's. That is what lets every node ride out a PostgreSQL restart with its partitions.
     */
    Round renew(NodeRow me, long leaseMs, Map<Integer, Long> held) {
        return db.write(c -> {
            long now = now(c);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO cluster_node (node_id, advertise_url, "
                    + "config_digest, version, incarnation, started_at, seen_at) VALUES (?, ?, ?, ?, ?, ?, ?) "
                    + "ON CONFLICT (node_id) DO UPDATE SET advertise_url = EXCLUDED.advertise_url, "
                    + "config_digest = EXCLUDED.config_digest, version = EXCLUDED.version, "
                    + "incarnation = EXCLUDED.incarnation, started_at = EXCLUDED.started_at, seen_at = EXCLUDED.seen_at")) {
                ps.setString(1, me.id());
                ps.setString(2, me.advertiseUrl());
                ps.setString(3, me.configDigest());
                ps.setString(4, me.version());
                ps.setString(5, me.incarnation());
                ps.setLong(6, me.startedAt() > 0 ? me.startedAt() : now);
                ps.setLong(7, now);
                ps.executeUpdate();
            }
            Map<Integer, Long> renewed = new HashMap<>();
            if (!held.isEmpty()) {
                Integer[] numbers = held.keySet().toArray(Integer[]::new);
                Long[] epochs = new Long[numbers.length];
                for (int i = 0; i < numbers.length; i++) {
                    epochs[i] = held.get(numbers[i]);
                }
                try (PreparedStatement ps = c.prepareStatement("UPDATE cluster_partition p SET lease_until = ? "
                        + "FROM unnest(?::integer[], ?::bigint[]) AS h(partition_no, epoch) "
                        + "WHERE p.partition_no = h.partition_no AND p.epoch = h.epoch AND p.owner = ? "
                        + "RETURNING p.partition_no, p.epoch")) {
                    ps.setLong(1, now + leaseMs);
                    ps.setArray(2, c.createArrayOf("integer", numbers));
                    ps.setArray(3, c.createArrayOf("bigint", epochs));
                    ps.setString(4, me.id());
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            renewed.put(rs.getInt(1), rs.getLong(2));
                        }
                    }
                }
            }
            return new Round(now, renewed, nodes(c), partitions(c));
        });
    }

    /** Reads both tables without writing: who owns what, for a node that renews nothing (not yet, or no more). */
    Round read() {
        return db.read(c -> {
            long now = now(c);
            return new Round(now, Map.of(), nodes(c), partitions(c));
        });
    }

    /**
     * Takes {@code partition} if nobody holds it or its lease ran out, with the next epoch.
     *
     * @return the new epoch, or empty when another node holds it
     */
    OptionalLong claim(String me, int partition, long leaseMs) {
        return db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE cluster_partition SET owner = ?, epoch = epoch + 1, "
                    + "lease_until = " + NOW + " + ? WHERE partition_no = ? AND (owner IS NULL OR lease_until < " + NOW
                    + ") RETURNING epoch")) {
                ps.setString(1, me);
                ps.setLong(2, leaseMs);
                ps.setInt(3, partition);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? OptionalLong.of(rs.getLong(1)) : OptionalLong.empty();
                }
            }
        });
    }

    /** Gives up {@code partition} if this node still holds it at {@code epoch}: free for others at once. */
    boolean release(String me, int partition, long epoch) {
        return db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE cluster_partition SET owner = NULL, lease_until = 0 "
                    + "WHERE partition_no = ? AND owner = ? AND epoch = ?")) {
                ps.setInt(1, partition);
                ps.setString(2, me);
                ps.setLong(3, epoch);
                return ps.executeUpdate() == 1;
            }
        });
    }

    /** A graceful stop: the node is gone at once, not when its lease runs out. */
    void leave(String me, String incarnation) {
        db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE cluster_node SET seen_at = 0 WHERE node_id = ? AND incarnation = ?")) {
                ps.setString(1, me);
                ps.setString(2, incarnation);
                ps.executeUpdate();
            }
            return null;
        });
    }

    /**
     * Fencing: whether this node holds every one of {@code epochs} (partition → epoch) right now,
     * checked inside the caller's transaction. The rows are locked until that transaction ends, so a
     * claim by another node waits for it: a write either commits while its node owns the partition
     * (and the next owner reads it when it takes over), or finds it has lost it and writes nothing.
     */
    static boolean holds(Connection c, String me, Map<Integer, Long> epochs) throws SQLException {
        return stillHeld(c, me, epochs).size() == epochs.size();
    }

    /** The partitions of {@code epochs} (partition → epoch) this node still holds at those epochs; see {@link #holds}. */
    static java.util.Set<Integer> stillHeld(Connection c, String me, Map<Integer, Long> epochs) throws SQLException {
        java.util.Set<Integer> out = new java.util.HashSet<>();
        if (epochs.isEmpty()) {
            return out;
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT partition_no, owner, epoch FROM cluster_partition "
                + "WHERE partition_no = ANY (?) FOR SHARE")) {
            ps.setArray(1, c.createArrayOf("integer", epochs.keySet().toArray(Integer[]::new)));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (me.equals(rs.getString(2)) && epochs.get(rs.getInt(1)) == rs.getLong(3)) {
                        out.add(rs.getInt(1));
                    }
                }
            }
        }
        return out;
    }

    private static long now(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + NOW); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static List<Balance.Partition> partitions(Connection c) throws SQLException {
        List<Balance.Partition> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT partition_no, owner, epoch, lease_until FROM cluster_partition ORDER BY partition_no");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new Balance.Partition(rs.getInt(1), rs.getString(2), rs.getLong(3), rs.getLong(4)));
            }
        }
        return out;
    }

    private static List<NodeRow> nodes(Connection c) throws SQLException {
        List<NodeRow> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT node_id, advertise_url, config_digest, version, "
                + "incarnation, started_at, seen_at FROM cluster_node ORDER BY node_id");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new NodeRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                        rs.getLong(6), rs.getLong(7)));
            }
        }
        return out;
    }
}
