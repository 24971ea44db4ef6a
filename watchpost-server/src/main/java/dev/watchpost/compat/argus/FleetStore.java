package dev.watchpost.compat.argus;

import dev.watchpost.store.Database;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * The fleet's members and its numbers in the database (tables of migration V4). Only registers and
 * prunes write here; heartbeats never do. Every method is one transaction; safe from any thread.
 */
final class FleetStore {

    private final Database db;

    FleetStore(Database db) {
        this.db = db;
    }

    /**
     * A member's registration as stored. {@code version} and {@code scrapeTarget} are null when the
     * member did not send them; {@code leaseHash} is the SHA-256 (hex) of its lease, never the lease.
     */
    record MemberRow(String identity, String fleet, int number, String version, String scrapeTarget,
                     String leaseHash, long registeredAt) {
    }

    /**
     * A register to write. {@code number} is the member's own when it stays in its fleet, and empty
     * when it needs the next number of {@code fleet}: it is new, or it moved from another fleet.
     */
    record Registering(String identity, String fleet, OptionalInt number, String version, String scrapeTarget,
                       String leaseHash, long registeredAt) {
    }

    /** Every member, by fleet then number. */
    List<MemberRow> members() {
        return db.read(c -> {
            List<MemberRow> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT identity, fleet, cluster_number, version, scrape_target, "
                    + "lease_hash, registered_at FROM argus_member ORDER BY fleet, cluster_number");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new MemberRow(rs.getString(1), rs.getString(2), rs.getInt(3), rs.getString(4),
                            rs.getString(5), rs.getString(6), rs.getLong(7)));
                }
            }
            return out;
        });
    }

    /**
     * Writes a register, taking the fleet's next number when it needs one, in one transaction: a
     * number is used up only together with the row that holds it.
     *
     * @return the member as stored
     */
    MemberRow register(Registering r, long now) {
        return db.write(c -> {
            int number = r.number().isPresent() ? r.number().getAsInt() : nextNumber(c, r.fleet());
            MemberRow row = new MemberRow(r.identity(), r.fleet(), number, r.version(), r.scrapeTarget(),
                    r.leaseHash(), r.registeredAt());
            upsert(c, row, now);
            return row;
        });
    }

    /** Forgets a member; its fleet's sequence keeps its number, so it is never given again. */
    void remove(String identity) {
        db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM argus_member WHERE identity = ?")) {
                ps.setString(1, identity);
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** The next number of {@code fleet}; the row lock of the UPDATE serialises concurrent writers. */
    private static int nextNumber(Connection c, String fleet) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO argus_fleet_seq (fleet, last_number) VALUES (?, 0) ON CONFLICT (fleet) DO NOTHING")) {
            ps.setString(1, fleet);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE argus_fleet_seq SET last_number = last_number + 1 WHERE fleet = ?")) {
            ps.setString(1, fleet);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT last_number FROM argus_fleet_seq WHERE fleet = ?")) {
            ps.setString(1, fleet);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new SQLException("argus_fleet_seq has no row for fleet " + fleet);
                }
                return rs.getInt(1);
            }
        }
    }

    private static void upsert(Connection c, MemberRow m, long now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO argus_member (identity, fleet, cluster_number, "
                + "version, scrape_target, lease_hash, registered_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                + "ON CONFLICT (identity) DO UPDATE SET fleet = excluded.fleet, cluster_number = excluded.cluster_number, "
                + "version = excluded.version, scrape_target = excluded.scrape_target, lease_hash = excluded.lease_hash, "
                + "updated_at = excluded.updated_at")) {
            ps.setString(1, m.identity());
            ps.setString(2, m.fleet());
            ps.setInt(3, m.number());
            ps.setString(4, m.version());
            ps.setString(5, m.scrapeTarget());
            ps.setString(6, m.leaseHash());
            ps.setLong(7, m.registeredAt());
            ps.setLong(8, now);
            ps.executeUpdate();
        }
    }
}
