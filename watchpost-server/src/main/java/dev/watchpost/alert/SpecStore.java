package dev.watchpost.alert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.watchpost.store.Database;
import dev.watchpost.store.SecretBox;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Channels and rules made through the API (tables alert_channel and alert_rule of V7). Channel
 * declarations hold secrets (webhook URLs, passwords, tokens) and are stored sealed; rules hold
 * none and stay readable in the database.
 */
final class SpecStore {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Database db;
    private final SecretBox box;

    SpecStore(Database db, SecretBox box) {
        this.db = db;
        this.box = box;
    }

    private boolean sealed(String table) {
        return table.equals("alert_channel");
    }

    /** @param table alert_channel or alert_rule */
    List<JsonNode> specs(String table) {
        return db.read(c -> {
            List<JsonNode> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT id, spec FROM " + table + " ORDER BY created_at, id");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String spec = sealed(table) ? box.open(table + "/" + rs.getString(1), rs.getString(2)) : rs.getString(2);
                    try {
                        out.add(JSON.readTree(spec));
                    } catch (Exception e) {
                        throw new IllegalStateException("stored spec in " + table + " is not JSON", e);
                    }
                }
            }
            return out;
        });
    }

    void save(String table, String id, JsonNode spec, Instant now) {
        db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " (id, spec, created_at) VALUES (?, ?, ?) "
                    + "ON CONFLICT (id) DO UPDATE SET spec = excluded.spec")) {
                ps.setString(1, id);
                ps.setString(2, sealed(table) ? box.seal(table + "/" + id, spec.toString()) : spec.toString());
                ps.setLong(3, now.toEpochMilli());
                ps.executeUpdate();
            }
            return null;
        });
    }

    boolean delete(String table, String id) {
        return db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE id = ?")) {
                ps.setString(1, id);
                return ps.executeUpdate() > 0;
            }
        });
    }
}
