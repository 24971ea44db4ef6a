package dev.watchpost.live;

import java.util.Objects;

/**
 * Which targets a rule means: a target id ({@code web/api}), a group id (every target inside it,
 * at any depth), or a glob over id path segments: {@code *} matches one segment (or, inside a
 * segment, any characters but '/': {@code web-*}), {@code **} any number of segments, none included.
 * Compiled once into segments; matching allocates nothing but the split of the id. What alert rules
 * and the status page's banner selection say.
 */
public record Glob(String pattern, String[] segments, boolean literal) {

    public Glob {
        Objects.requireNonNull(pattern, "pattern");
    }

    /** @throws IllegalArgumentException when {@code pattern} is no target id, group id or glob */
    public static Glob of(String pattern) {
        String p = pattern.trim();
        if (p.isEmpty() || p.startsWith("/") || p.endsWith("/") || p.contains("//")) {
            throw new IllegalArgumentException("'" + pattern + "' is not a target id, group id or glob");
        }
        String[] segs = p.split("/");
        for (String s : segs) {
            if (s.contains("**") && !s.equals("**")) {
                throw new IllegalArgumentException("'" + pattern + "': ** must be a whole path segment");
            }
        }
        return new Glob(p, segs, !p.contains("*"));
    }

    /**
     * @param targetId the target's id
     * @param groupId  its group (may be null): a literal pattern naming the group or one of its
     *                 ancestors matches, also when the target's id is not under the group's path
     */
    public boolean matches(String targetId, String groupId) {
        if (literal) {
            return under(targetId, pattern) || (groupId != null && under(groupId, pattern));
        }
        return match(segments, 0, targetId.split("/"), 0);
    }

    /** {@code id} is {@code prefix} or inside it. */
    public static boolean under(String id, String prefix) {
        return id.equals(prefix) || (id.length() > prefix.length() && id.startsWith(prefix) && id.charAt(prefix.length()) == '/');
    }

    private static boolean match(String[] p, int pi, String[] s, int si) {
        while (pi < p.length) {
            if (p[pi].equals("**")) {
                for (int k = si; k <= s.length; k++) {
                    if (match(p, pi + 1, s, k)) {
                        return true;
                    }
                }
                return false;
            }
            if (si >= s.length || !segment(p[pi], s[si])) {
                return false;
            }
            pi++;
            si++;
        }
        return si == s.length;
    }

    /** One segment against a pattern where '*' matches any run of characters. */
    static boolean segment(String pattern, String text) {
        int p = 0;
        int t = 0;
        int star = -1;
        int mark = 0;
        while (t < text.length()) {
            if (p < pattern.length() && pattern.charAt(p) == text.charAt(t) && pattern.charAt(p) != '*') {
                p++;
                t++;
            } else if (p < pattern.length() && pattern.charAt(p) == '*') {
                star = p++;
                mark = t;
            } else if (star >= 0) {
                p = star + 1;
                t = ++mark;
            } else {
                return false;
            }
        }
        while (p < pattern.length() && pattern.charAt(p) == '*') {
            p++;
        }
        return p == pattern.length();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Glob g && g.pattern.equals(pattern);
    }

    @Override
    public int hashCode() {
        return pattern.hashCode();
    }

    @Override
    public String toString() {
        return pattern;
    }
}
