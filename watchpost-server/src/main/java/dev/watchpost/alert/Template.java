package dev.watchpost.alert;

import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * One-line alert texts with placeholders: {@code {target}} (name), {@code {id}}, {@code {state}},
 * {@code {previous}}, {@code {since}}, {@code {reason}}, {@code {url}}, {@code {event}}; for group alerts
 * also {@code {count}}, {@code {total}} and {@code {members}} (empty for a target's own). Values are
 * escaped for the channel's format as they are put in; the template's own text is the author's
 * (so it may use the channel's markup). An unknown placeholder is refused when the rule is read.
 */
final class Template {

    static final Set<String> PLACEHOLDERS = Set.of("target", "id", "state", "previous", "since", "reason", "url", "event",
            "count", "total", "members");

    /** Plain text: nothing to escape. */
    static final UnaryOperator<String> PLAIN = s -> s;

    /** Slack mrkdwn: the three characters Slack asks to escape (so "<x>" cannot become a link or mention). */
    static final UnaryOperator<String> SLACK = s -> s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");

    /** Discord markdown: a backslash before each formatting character. */
    static final UnaryOperator<String> DISCORD = s -> {
        StringBuilder b = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if ("\\*_~`|>#[]()".indexOf(c) >= 0) {
                b.append('\\');
            }
            b.append(c);
        }
        return b.toString();
    };

    private Template() {
    }

    /** Throws when {@code template} uses a placeholder that does not exist or an unclosed brace. */
    static void check(String template) {
        int i = 0;
        while ((i = template.indexOf('{', i)) >= 0) {
            int end = template.indexOf('}', i);
            if (end < 0) {
                throw new IllegalArgumentException("unclosed '{' in template");
            }
            String name = template.substring(i + 1, end);
            if (!PLACEHOLDERS.contains(name)) {
                throw new IllegalArgumentException("unknown placeholder {" + name + "}; known: {"
                        + String.join("}, {", new java.util.TreeSet<>(PLACEHOLDERS)) + "}");
            }
            i = end + 1;
        }
    }

    static String render(String template, Map<String, String> values, UnaryOperator<String> escape) {
        StringBuilder out = new StringBuilder(template.length() + 64);
        int i = 0;
        while (i < template.length()) {
            int open = template.indexOf('{', i);
            int close = open < 0 ? -1 : template.indexOf('}', open);
            if (open < 0 || close < 0) {
                out.append(template, i, template.length());
                break;
            }
            out.append(template, i, open);
            String name = template.substring(open + 1, close);
            String v = values.get(name);
            if (v == null && !PLACEHOLDERS.contains(name)) {
                out.append(template, open, close + 1);
            } else {
                out.append(escape.apply(v == null ? "" : v));
            }
            i = close + 1;
        }
        return out.toString();
    }
}
