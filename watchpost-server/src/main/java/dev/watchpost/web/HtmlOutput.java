package dev.watchpost.web;

import gg.jte.TemplateOutput;
import gg.jte.html.HtmlTemplateOutput;

import java.util.Locale;

/**
 * How templates write values: every {@code ${...}} goes through {@link Html#escape}'s rules (the five
 * characters that can end a text or quoted-attribute context, and control characters HTML and SVG do
 * not allow), so a page escapes exactly as the {@link Html} builder always did, in text and attributes
 * alike. Templates put no data where HTML escaping is not enough: a value inside {@code <script>} or
 * {@code <style>} or in an event-handler attribute fails the rendering instead of being written, and a
 * link whose value would run script ({@code javascript:}, {@code data:}) is left empty.
 */
final class HtmlOutput implements HtmlTemplateOutput {

    private final TemplateOutput out;
    private String tag;
    private String attribute;

    HtmlOutput(TemplateOutput out) {
        this.out = out;
    }

    /** What the current attribute is; worked out once per attribute name (templates pass the same literal each time). */
    private String judged;
    private boolean handler;
    private boolean url;

    @Override
    public void setContext(String tagName, String attributeName) {
        this.tag = tagName;
        this.attribute = attributeName;
        if (attributeName != null && attributeName != judged) {
            judged = attributeName;
            handler = attributeName.regionMatches(true, 0, "on", 0, 2);
            url = isUrlAttribute(attributeName);
        }
    }

    @Override
    public void writeContent(String value) {
        out.writeContent(value);
    }

    @Override
    public void writeContent(String value, int beginIndex, int endIndex) {
        out.writeContent(value, beginIndex, endIndex);
    }

    /** The template's own text, encoded at build time: copied as it is. */
    @Override
    public void writeBinaryContent(byte[] value) {
        out.writeBinaryContent(value);
    }

    @Override
    public void writeUserContent(String value) {
        if (value == null) {
            return;
        }
        if (attribute != null) {
            if (handler) {
                throw new IllegalStateException("a template wrote a value into the event handler " + attribute);
            }
            if (url && runsScript(value)) {
                return;
            }
        } else if ("script".equalsIgnoreCase(tag) || "style".equalsIgnoreCase(tag)) {
            throw new IllegalStateException("a template wrote a value into <" + tag + ">");
        }
        Html.escape(out, value);
    }

    @Override
    public void writeUserContent(gg.jte.Content content) {
        if (content != null) {
            content.writeTo(this);
        }
    }

    private static boolean isUrlAttribute(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "href", "src", "action", "formaction", "xlink:href", "poster", "cite" -> true;
            default -> false;
        };
    }

    private static boolean runsScript(String url) {
        String u = url.strip().toLowerCase(Locale.ROOT);
        return u.startsWith("javascript:") || u.startsWith("data:") || u.startsWith("vbscript:");
    }
}
