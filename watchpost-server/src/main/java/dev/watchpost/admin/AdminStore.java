package dev.watchpost.admin;

import dev.watchpost.store.Database;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Types;
import java.time.Instant;
import java.util.Optional;

/** The dashboard's password hash and sessions (tables of V8). */
public final class AdminStore {

    private final Database db;

    public AdminStore(Database db) {
        this.db = db;
    }

    public Optional<String> passwordHash() {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT hash FROM admin_password WHERE id = 1");
                 ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        });
    }

    /**
     * Sets the password hash and ends every session, in one transaction: whoever changes the
     * password wants everyone who knew the old one (or stole a cookie) out.
     *
     * @return how many sessions ended
     */
    public int setPassword(String hash, Instant now) {
        return db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO admin_password (id, hash, updated_at) VALUES (1, ?, ?) "
                    + "ON CONFLICT (id) DO UPDATE SET hash = excluded.hash, updated_at = excluded.updated_at")) {
                ps.setString(1, hash);
                ps.setLong(2, now.toEpochMilli());
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM admin_session")) {
                return ps.executeUpdate();
            }
        });
    }

    void insertSession(Session s) {
        db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO admin_session (id_hash, csrf, via, token_id, "
                    + "created_at, last_seen) VALUES (?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, s.idHash());
                ps.setString(2, s.csrf());
                ps.setString(3, s.via());
                if (s.tokenId().isPresent()) {
                    ps.setLong(4, s.tokenId().get());
                } else {
                    ps.setNull(4, Types.BIGINT);
                }
                ps.setLong(5, s.createdAt().toEpochMilli());
                ps.setLong(6, s.lastSeen().toEpochMilli());
                ps.executeUpdate();
            }
            return null;
        });
    }

    Optional<Session> session(String idHash) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT csrf, via, token_id, created_at, last_seen FROM admin_session WHERE id_hash = ?")) {
                ps.setString(1, idHash);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    long token = rs.getLong(3);
                    Optional<Long> tokenId = rs.wasNull() ? Optional.empty() : Optional.of(token);
                    return Optional.of(new Session(idHash, rs.getString(1), rs.getString(2), tokenId,
                            Instant.ofEpochMilli(rs.getLong(4)), Instant.ofEpochMilli(rs.getLong(5))));
                }
            }
        });
    }

    void touch(String idHash, Instant now) {
        db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE admin_session SET last_seen = ? WHERE id_hash = ?")) {
                ps.setLong(1, now.toEpochMilli());
                ps.setString(2, idHash);
                ps.executeUpdate();
            }
            return null;
        });
    }

    boolean deleteSession(String idHash) {
        return db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM admin_session WHERE id_hash = ?")) {
                ps.setString(1, idHash);
                return ps.executeUpdate() > 0;
            }
        });
    }

    /** Deletes sessions idle since before {@code idleBefore} or created before {@code createdBefore}. */
    int deleteExpired(Instant idleBefore, Instant createdBefore) {
        return db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "DELETE FROM admin_session WHERE last_seen < ? OR created_at < ?")) {
                ps.setLong(1, idleBefore.toEpochMilli());
                ps.setLong(2, createdBefore.toEpochMilli());
                return ps.executeUpdate();
            }
        });
    }

    /** Ends every session signed in with this stored token. */
    int deleteSessionsOfToken(long tokenId) {
        return db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM admin_session WHERE token_id = ?")) {
                ps.setLong(1, tokenId);
                return ps.executeUpdate();
            }
        });
    }
}
