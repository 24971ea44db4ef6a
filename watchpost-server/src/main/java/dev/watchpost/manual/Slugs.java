package dev.watchpost.manual;

import java.text.Normalizer;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Stashboard's slugs: the URL key made from a name. Lower-case; whitespace, '.' and '_' become '-';
 * any other character that is not a letter or digit is dropped; accents are folded first ("Café" →
 * "cafe"), runs of '-' collapse and none is left at either end. At most 64 characters, so a slug is
 * always a valid one-segment target id.
 */
public final class Slugs {

    public static final int MAX_LENGTH = 64;
    private static final Pattern SLUG = Pattern.compile("[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?");
    private static final Pattern MARKS = Pattern.compile("\\p{M}+");
    private static final Pattern SEPARATORS = Pattern.compile("[\\s._]+");
    private static final Pattern DROPPED = Pattern.compile("[^a-z0-9-]+");
    private static final Pattern DASHES = Pattern.compile("-{2,}");

    private Slugs() {
    }

    /** The slug of {@code name}; empty when the name has no letter or digit to keep. */
    public static String of(String name) {
        String s = MARKS.matcher(Normalizer.normalize(name, Normalizer.Form.NFKD)).replaceAll("");
        s = s.toLowerCase(Locale.ROOT);
        s = SEPARATORS.matcher(s).replaceAll("-");
        s = DROPPED.matcher(s).replaceAll("");
        s = DASHES.matcher(s).replaceAll("-");
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
