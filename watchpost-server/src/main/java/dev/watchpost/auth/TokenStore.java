package dev.watchpost.auth;

import dev.watchpost.store.Database;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Stored API tokens (hashes only). */
public final class TokenStore {

    /** A stored token together with its hash, for building the in-memory lookup. */
    record Stored(ApiToken token, String hashHex) {
    }

    private final Database db;

    public TokenStore(Database db) {
        this.db = db;
    }

    ApiToken insert(String name, Scope scope, String hashHex, String hint, Instant now, Optional<String> location) {
        return db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO api_token (name, scope, token_hash, hint, created_at, location) VALUES (?, ?, ?, ?, ?, ?)",
                    Statement.RETURN_GENERATED_KEYS)) {
                ps.setString(1, name);
                ps.setString(2, scope.id());
                ps.setString(3, hashHex);
                ps.setString(4, hint);
                ps.setLong(5, now.toEpochMilli());
                ps.setString(6, location.orElse(null));
                ps.executeUpdate();
                try (ResultSet keys = ps.getGeneratedKeys()) {
                    keys.next();
                    return new ApiToken(keys.getLong(1), name, scope, hint, now, Optional.empty(), Optional.empty(), location);
                }
            }
        });
    }

    /** Every token, revoked ones included, oldest first. */
    public List<ApiToken> list() {
        return all().stream().map(Stored::token).toList();
    }

    List<Stored> all() {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT id, name, scope, hint, created_at, last_used_at, revoked_at, token_hash, location "
                            + "FROM api_token ORDER BY id");
                 ResultSet rs = ps.executeQuery()) {
                List<Stored> out = new ArrayList<>();
                while (rs.next()) {
                    Optional<Scope> scope = Scope.parse(rs.getString(3));
                    if (scope.isEmpty()) {
                        continue; // a scope a newer version introduced; this version cannot honour it
                    }
                    out.add(new Stored(new ApiToken(rs.getLong(1), rs.getString(2), scope.get(), rs.getString(4),
                            Instant.ofEpochMilli(rs.getLong(5)), instant(rs, 6), instant(rs, 7),
                            Optional.ofNullable(rs.getString(9))), rs.getString(8)));
                }
                return out;
            }
        });
    }

    /** Marks the token revoked; false when no active token has that id. */
    boolean revoke(long id, Instant now) {
        return db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE api_token SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL")) {
                ps.setLong(1, now.toEpochMilli());
                ps.setLong(2, id);
                return ps.executeUpdate() == 1;
            }
        });
    }

    /** The write that records a use; run by the coalescing writer, never on the request path. */
    static void markUsed(Connection c, long id, Instant when) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE api_token SET last_used_at = ? WHERE id = ?")) {
            ps.setLong(1, when.toEpochMilli());
            ps.setLong(2, id);
            ps.executeUpdate();
        }
    }

    private static Optional<Instant> instant(ResultSet rs, int column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(v));
    }
}
