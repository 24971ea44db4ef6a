package dev.watchpost.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.watchpost.store.Database;
import dev.watchpost.store.SecretBox;
import dev.watchpost.store.SecretKeys;
import dev.watchpost.store.StoreException;
import dev.watchpost.targets.TopologyStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;

/**
 * The database columns that hold secrets, and the two things done to all of them at once: sealing
 * what is not sealed with the current key (on every start: rows written before sealing existed,
 * rows of a finished rotation), and {@code watchpost secrets rotate-key}. Each feature's store seals
 * and opens its own rows; this class only knows where they are.
 */
final class SecretsAtRest {

    private static final Logger LOG = LoggerFactory.getLogger(SecretsAtRest.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A table whose {@code spec} column is sealed, bound to {@code <table>/<id>}, except targets. */
    private static final List<String> SEALED_SPECS = List.of("alert_channel", "target");

    private SecretsAtRest() {
    }

    /**
     * The box the server runs with: the key file made when missing, a rotation cut short finished or
     * abandoned, and every row sealed with the current key.
     */
    static SecretBox openForServer(SecretKeys keys, Database db) {
        SecretBox box = keys.open(true);
        box = keys.settle(box, id -> db.read(c -> anySealedWith(c, id)));
        int resealed = reseal(db, box, box);
        if (resealed > 0) {
            LOG.info("event=secrets.sealed rows={} key={}", resealed, box.keyId());
        }
        return box;
    }

    /**
     * Opens every sealed row with {@code from} and seals it with {@code to} in one transaction, and
     * recomputes the ping-key digests under {@code to}. Rows already sealed with {@code to}'s key are
     * left alone. Returns the number of rows written.
     */
    static int reseal(Database db, SecretBox from, SecretBox to) {
        return db.write(c -> {
            int n = 0;
            for (String table : SEALED_SPECS) {
                List<String[]> rows = new ArrayList<>();
                try (PreparedStatement ps = c.prepareStatement("SELECT id, spec FROM " + table);
                     ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rows.add(new String[] {rs.getString(1), rs.getString(2)});
                    }
                }
                for (String[] row : rows) {
                    if (to.keyId().equals(SecretBox.sealedWith(row[1]))) {
                        continue;
                    }
                    String where = where(table, row[0]);
                    String plain = from.open(where, row[1]);
                    try (PreparedStatement ps = c.prepareStatement(table.equals("target")
                            ? "UPDATE target SET spec = ?, ping_key = ? WHERE id = ?"
                            : "UPDATE " + table + " SET spec = ? WHERE id = ?")) {
                        int i = 1;
                        ps.setString(i++, to.seal(where, plain));
                        if (table.equals("target")) {
                            String key = pingKey(plain);
                            ps.setString(i++, key == null ? null : to.digest(key));
                        }
                        ps.setString(i, row[0]);
                        ps.executeUpdate();
                    }
                    n++;
                }
            }
            return n;
        });
    }

    private static String where(String table, String id) {
        return table.equals("target") ? TopologyStore.sealedAt(id) : table + "/" + id;
    }

    private static String pingKey(String spec) {
        try {
            JsonNode key = JSON.readTree(spec).get("ping-key");
            return key != null && key.isTextual() ? key.asText() : null;
        } catch (Exception e) {
            throw new StoreException("a stored target declaration is not JSON");
        }
    }

    private static boolean anySealedWith(Connection c, String keyId) throws SQLException {
        for (String table : SEALED_SPECS) {
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM " + table + " WHERE spec LIKE ? LIMIT 1")) {
                ps.setString(1, SecretBox.PREFIX + keyId + ":%");
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** How many rows are sealed with each key id, and how many are plain ("plain"). */
    static java.util.Map<String, Integer> census(Database db) {
        return db.read(c -> {
            java.util.Map<String, Integer> out = new java.util.TreeMap<>();
            for (String table : SEALED_SPECS) {
                try (PreparedStatement ps = c.prepareStatement("SELECT spec FROM " + table);
                     ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        String id = SecretBox.sealedWith(rs.getString(1));
                        out.merge(id == null ? "plain" : id, 1, Integer::sum);
                    }
                }
            }
            return out;
        });
    }
}
