package dev.watchpost.web;

/**
 * How drawn SVG is written (the status page's day bars and sparklines, the fleet's sparklines,
 * badges), where markup is computed shape by shape rather than laid out: pages themselves are jte
 * templates ({@link Templates}). Trusted constant markup goes through {@link #raw}, everything else
 * (names, messages, ids, numbers) through {@link #text} or {@link #attr}, which escape it. There is
 * deliberately no way to add unescaped data other than {@code raw}, whose arguments are literals in
 * the calling code. Its escaping rules are also the templates' ({@link HtmlOutput}). Not thread-safe.
 */
public final class Html {

    private final StringBuilder b;

    public Html() {
        this(1_024);
    }

    public Html(int capacity) {
        this.b = new StringBuilder(capacity);
    }

    /** Markup written by this package (tags, literal attribute names and values). Never user data. */
    public Html raw(String trusted) {
        b.append(trusted);
        return this;
    }

    /** Text content, escaped. */
    public Html text(String s) {
        escape(b, s);
        return this;
    }

    public Html text(long n) {
        b.append(n);
        return this;
    }

    /** {@code  name="value"} with the value escaped (also safe inside single quotes and for SVG). */
    public Html attr(String name, String value) {
        b.append(' ').append(name).append("=\"");
        escape(b, value);
        b.append('"');
        return this;
    }

    public Html attr(String name, long value) {
        b.append(' ').append(name).append("=\"").append(value).append('"');
        return this;
    }

    /**
     * This markup, for a template to place as it is. The one bridge from {@code Html} into templates,
     * and safe for the reason {@code Html} is: its data went through {@link #text} or {@link #attr};
     * {@link #raw} took only the calling code's literals. Used for drawn SVG (day bars, sparklines).
     */
    public gg.jte.Content content() {
        String markup = b.toString();
        return out -> out.writeContent(markup);
    }

    @Override
    public String toString() {
        return b.toString();
    }

    /** HTML-escapes {@code s} (null as empty): the five characters that can end a text or attribute context. */
    public static String escape(String s) {
        StringBuilder out = new StringBuilder(s == null ? 0 : s.length() + 16);
        escape(out, s);
        return out.toString();
    }

    /**
     * The same escaping onto a template's output, in runs: what does not need escaping is written as
     * one piece (see {@link HtmlOutput}).
     */
    static void escape(gg.jte.TemplateOutput out, String s) {
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            String entity = switch (c) {
                case '&' -> "&amp;";
                case '<' -> "&lt;";
                case '>' -> "&gt;";
                case '"' -> "&quot;";
                case '\'' -> "&#39;";
                default -> c < 0x20 && c != '\t' && c != '\n' && c != '\r' ? "\uFFFD" : null;
            };
            if (entity != null) {
                if (i > start) {
                    out.writeContent(s, start, i);
                }
                out.writeContent(entity);
                start = i + 1;
            }
        }
        if (start == 0) {
            out.writeContent(s);
        } else if (start < s.length()) {
            out.writeContent(s, start, s.length());
        }
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
                default -> {
                    // Control characters other than tab, newline and carriage return are not allowed in HTML or XML (SVG).
                    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
                        out.append('\uFFFD');
                    } else {
                        out.append(c);
                    }
                }
            }
        }
    }
}
