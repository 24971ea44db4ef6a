package dev.watchpost.manual;

import java.text.Normalizer;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Stashboard's slugs: the URL key made from a name. Lower-case; a run of whitespace becomes one '-',
 * each '.' and '_' becomes '-'; any other character that is not a letter, digit or '-' is dropped;
 * accents are folded first ("Café" → "cafe"); none is left at either end. Repeated dashes are kept
 * ("Web--Front" → "web--front"), as Stashboard kept them: collapsing them would give an existing
 * Stashboard service a different id here. At most 64 characters, so a slug is always a valid
 * one-segment target id.
 */
public final class Slugs {

    public static final int MAX_LENGTH = 64;
    private static final Pattern SLUG = Pattern.compile("[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?");
    private static final Pattern MARKS = Pattern.compile("\\p{M}+");
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");
    private static final Pattern DOTS = Pattern.compile("[._]");
    private static final Pattern DROPPED = Pattern.compile("[^a-z0-9-]+");

    private Slugs() {
    }

    /** The slug of {@code name}; empty when the name has no letter or digit to keep. */
    public static String of(String name) {
        String s = MARKS.matcher(Normalizer.normalize(name, Normalizer.Form.NFKD)).replaceAll("");
        s = s.toLowerCase(Locale.ROOT);
        s = WHITESPACE.matcher(s).replaceAll("-");
        s = DOTS.matcher(s).replaceAll("-");
        s = DROPPED.matcher(s).replaceAll("");
        s = trimDashes(s);
        if (s.length() > MAX_LENGTH) {
            s = trimDashes(s.substring(0, MAX_LENGTH));
        }
        return s;
    }

    /** True for a string {@link #of} could have produced. */
    public static boolean isSlug(String s) {
        return s != null && SLUG.matcher(s).matches();
    }

    private static String trimDashes(String s) {
        int from = 0;
        int to = s.length();
        while (from < to && s.charAt(from) == '-') {
            from++;
        }
        while (to > from && s.charAt(to - 1) == '-') {
            to--;
        }
        return s.substring(from, to);
    }
}
