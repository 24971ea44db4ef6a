package dev.watchpost.admin;

/**
 * The one way dashboard markup is written. Constant markup goes through {@link #raw} (literals of
 * this package only); everything that comes from a user, the database or a request — names,
 * messages, ids, form values, error texts — goes through {@link #text} or {@link #attr}, which
 * escape it. Not thread-safe; one per response.
 */
final class Html {

    private final StringBuilder b = new StringBuilder(8192);

    /** Markup written by this package. Never data. */
    Html raw(String trusted) {
        b.append(trusted);
        return this;
    }

    /** Text content, escaped. Null is written as nothing. */
    Html text(String s) {
        escape(b, s);
        return this;
    }

    Html text(long n) {
        b.append(n);
        return this;
    }

    /** {@code  name="value"}, the value escaped (safe in double- and single-quoted attributes). */
    Html attr(String name, String value) {
        b.append(' ').append(name).append("=\"");
        escape(b, value);
        b.append('"');
        return this;
    }

    /** {@code  name} when {@code on} (boolean attributes such as {@code checked}). */
    Html flag(String name, boolean on) {
        if (on) {
            b.append(' ').append(name);
        }
        return this;
    }

    /** {@code <tag class="cls">text</tag>}, the text escaped. */
    Html element(String tag, String cls, String text) {
        b.append('<').append(tag);
        if (cls != null) {
            attr("class", cls);
        }
        b.append('>');
        escape(b, text);
        b.append("</").append(tag).append('>');
        return this;
    }

    @Override
    public String toString() {
        return b.toString();
    }

    static String escape(String s) {
        StringBuilder out = new StringBuilder(s == null ? 0 : s.length() + 16);
        escape(out, s);
        return out.toString();
    }

    private static void escape(StringBuilder out, String s) {
        if (s == null) {
            return;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c < 0x20 && c != '\t' && c != '\n' && c != '\r' ? '\uFFFD' : c);
            }
        }
    }
}
