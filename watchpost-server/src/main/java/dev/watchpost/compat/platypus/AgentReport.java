package dev.watchpost.compat.platypus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.watchpost.live.TargetDef;
import dev.watchpost.web.Json;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * One message of Platypus's Go agent: {@code {"hostname","cpu","memory","disk","secret"}}, the
 * figures in used percent. Pure: parsing and the secret check take no clock and do no I/O.
 *
 * <p>{@code toString} leaves the secret out, so a report can never carry it into a log.
 */
record AgentReport(String hostname, double cpu, double memory, double disk, String secret) {

    /** Longest hostname accepted (DNS's limit). */
    static final int MAX_HOSTNAME = 253;

    AgentReport {
        Objects.requireNonNull(hostname, "hostname");
        Objects.requireNonNull(secret, "secret");
    }

    /**
     * Reads a message as the Go agent sends it.
     *
     * @throws IllegalArgumentException saying what is wrong, in words an agent's owner understands
     *                                  (the text becomes the socket's close reason)
     */
    static AgentReport parse(String text) {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(text);
        } catch (IOException e) {
            throw new IllegalArgumentException("message is not JSON");
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("message is not a JSON object");
        }
        JsonNode h = root.get("hostname");
        if (h == null || !h.isTextual() || h.asText().isBlank()) {
            throw new IllegalArgumentException("'hostname' is missing");
        }
        String hostname = h.asText().strip();
        if (hostname.length() > MAX_HOSTNAME) {
            throw new IllegalArgumentException("'hostname' is longer than " + MAX_HOSTNAME + " characters");
        }
        JsonNode s = root.get("secret");
        String secret = s != null && s.isTextual() ? s.asText() : "";
        return new AgentReport(hostname, percent(root, "cpu"), percent(root, "memory"), percent(root, "disk"), secret);
    }

    private static double percent(JsonNode root, String key) {
        JsonNode v = root.get(key);
        if (v == null || v.isNull()) {
            return 0; // the Go server reads a missing figure as 0
        }
        if (!v.isNumber() || !Double.isFinite(v.doubleValue())) {
            throw new IllegalArgumentException("'" + key + "' is not a number");
        }
        return v.doubleValue();
    }

    /** Whether this report carries {@code expected}, compared in constant time. */
    boolean authentic(byte[] expected) {
        return MessageDigest.isEqual(secret.getBytes(StandardCharsets.UTF_8), expected);
    }

    /**
     * The target a hostname becomes: {@code <group>/<hostname>} in lower case, any character a
     * target id cannot hold replaced by '-'. Empty when nothing usable is left.
     */
    static Optional<String> targetId(String group, String hostname) {
        String leaf = hostname.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]", "-").replaceAll("^[^a-z0-9]+", "");
        if (leaf.length() > 64) {
            leaf = leaf.substring(0, 64);
        }
        String id = group + "/" + leaf;
        return leaf.isEmpty() || !TargetDef.ID.matcher(id).matches() ? Optional.empty() : Optional.of(id);
    }

    /** "cpu 6 %, memory 38 %, disk 8 %": the same words as a scanned stats agent's. */
    String message() {
        return "cpu " + show(cpu) + " %, memory " + show(memory) + " %, disk " + show(disk) + " %";
    }

    /** The figures, kept as the target's metrics. */
    ObjectNode metrics() {
        ObjectNode m = JsonNodeFactory.instance.objectNode();
        m.put("cpu", cpu);
        m.put("memory", memory);
        m.put("disk", disk);
        return m;
    }

    private static String show(double d) {
        return BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
    }

    @Override
    public String toString() {
        return "AgentReport[hostname=" + hostname + ", cpu=" + cpu + ", memory=" + memory + ", disk=" + disk + "]";
    }
}
