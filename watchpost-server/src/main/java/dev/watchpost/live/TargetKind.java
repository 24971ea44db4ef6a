package dev.watchpost.live;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * What a target is, which decides who sets its state: it reports in ({@link #PUSH}), Watchpost
 * checks it ({@link #HTTP}, {@link #TCP}, {@link #TLS}, {@link #STATS}), people set it
 * ({@link #MANUAL}), or its parts decide ({@link #COMPOSITE}). Its {@link #id()} is the name of the
 * declaration's section and the {@code kind} of the API.
 */
public enum TargetKind {
    PUSH, HTTP, TCP, TLS, STATS, MANUAL, COMPOSITE;

    /** Every kind's id, in declaration order. */
    public static final List<String> IDS = Arrays.stream(values()).map(TargetKind::id).toList();

    private final String id = name().toLowerCase(java.util.Locale.ROOT);

    /** As declared and answered: {@code push}, {@code http}, … */
    public String id() {
        return id;
    }

    /** Whether Watchpost checks it itself (it has a probe). */
    public boolean probed() {
        return this == HTTP || this == TCP || this == TLS || this == STATS;
    }

    public static Optional<TargetKind> parse(String id) {
        for (TargetKind k : values()) {
            if (k.id.equals(id)) {
                return Optional.of(k);
            }
        }
        return Optional.empty();
    }

    /** The id: a kind reads the same in a log line, a message or a page as in the API. */
    @Override
    public String toString() {
        return id;
    }
}
