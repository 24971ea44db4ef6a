package dev.watchpost.cluster;

import dev.watchpost.config.WatchpostConfig;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * A digest of each section of a node's configuration, so nodes can tell that they run the same one
 * without showing each other a value (tokens and secrets are in it). What may differ between nodes
 * is left out: where a node listens and keeps its files, its pool size, its log level and its own
 * cluster identity.
 */
final class ConfigDigest {

    /** Record components that are a node's own: {@code section.component}. */
    private static final Set<String> PER_NODE = Set.of("server.host", "server.port", "storage.dataDir",
            "storage.secretsKeyFile", "storage.poolSize", "logging.level", "cluster.nodeId", "cluster.advertiseUrl",
            // where a node keeps the page's images; their bytes must agree
            "statusPage.logo.file", "statusPage.favicon.file");

    private ConfigDigest() {
    }

    /** Section name → SHA-256 of its canonical text (hex), sorted by section. */
    static Map<String, String> of(WatchpostConfig config) {
        Map<String, String> out = new TreeMap<>();
        for (var c : WatchpostConfig.class.getRecordComponents()) {
            if (c.getName().equals("source")) {
                continue; // where a node read its configuration: its own file path and whole environment
            }
            Object section = get(c, config);
            StringBuilder text = new StringBuilder();
            canonical(c.getName(), section, text);
            out.put(c.getName(), sha256(text.toString()));
        }
        return out;
    }

    /** The sections whose digests differ between {@code a} and {@code b} (a section missing on one side differs). */
    static Set<String> differing(Map<String, String> a, Map<String, String> b) {
        Set<String> keys = new java.util.TreeSet<>(a.keySet());
        keys.addAll(b.keySet());
        keys.removeIf(k -> java.util.Objects.equals(a.get(k), b.get(k)));
        return keys;
    }

    private static void canonical(String path, Object v, StringBuilder out) {
        if (v == null) {
            out.append("null");
        } else if (v instanceof Record r) {
            out.append(r.getClass().getSimpleName()).append('{');
            for (var c : r.getClass().getRecordComponents()) {
                String p = path + "." + c.getName();
                if (!PER_NODE.contains(p)) {
                    out.append(c.getName()).append('=');
                    canonical(p, get(c, r), out);
                    out.append(';');
                }
            }
            out.append('}');
        } else if (v instanceof Optional<?> o) {
            out.append('(');
            canonical(path, o.orElse(null), out);
            out.append(')');
        } else if (v instanceof Collection<?> list) {
            out.append('[');
            for (Object e : list) {
                canonical(path, e, out);
                out.append(',');
            }
            out.append(']');
        } else if (v instanceof Map<?, ?> m) {
            out.append('{');
            new TreeMap<>(m.entrySet().stream().collect(java.util.stream.Collectors.toMap(
                    e -> String.valueOf(e.getKey()), Map.Entry::getValue))).forEach((k, x) -> {
                        out.append(k).append('=');
                        canonical(path, x, out);
                        out.append(';');
                    });
            out.append('}');
        } else if (v instanceof byte[] bytes) {
            out.append("bytes:").append(sha256(new String(bytes, StandardCharsets.ISO_8859_1)));
        } else {
            // strings, numbers, durations, URIs, paths and JSON trees (the declarations: their text)
            out.append(v.getClass().getSimpleName()).append(':').append(v);
        }
    }

    private static Object get(java.lang.reflect.RecordComponent c, Object owner) {
        try {
            return c.getAccessor().invoke(owner);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read " + c.getName(), e);
        }
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
