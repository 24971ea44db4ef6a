package dev.watchpost.page;

import dev.watchpost.web.Html;
import dev.watchpost.live.State;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * A two-part badge ("label | message") as an SVG in the flat style Shields.io made common, and the
 * same badge as Shields.io's endpoint JSON. Pure. Label and message are escaped; text widths are
 * estimated from Verdana 11 px advance widths, which is what the flat style uses.
 *
 * @param color a Shields colour name ({@code brightgreen}, {@code green}, {@code yellow}, {@code orange},
 *              {@code red}, {@code blue}, {@code lightgrey})
 */
record Badge(String label, String message, String color) {

    private static final Map<String, String> HEX = Map.of(
            "brightgreen", "#4c1", "green", "#97ca00", "yellowgreen", "#a4a61d", "yellow", "#dfb317",
            "orange", "#fe7d37", "red", "#e05d44", "blue", "#007ec6", "lightgrey", "#9f9f9f");

    /** The status badge colour of a state: by severity. */
    static String color(State s) {
        return switch (s.severity()) {
            case OK -> "brightgreen";
            case WARN -> "yellow";
            case BAD -> "red";
            case MAINTENANCE -> "blue";
            case UNKNOWN -> "lightgrey";
        };
    }

    static Badge status(String label, State s) {
        return new Badge(label, s.id(), color(s));
    }

    /** Uptime badge: "99.95%", coloured by how good it is; "no data" in grey when unknown. */
    static Badge uptime(String label, OptionalDouble ratio) {
        if (ratio.isEmpty()) {
            return new Badge(label, "no data", "lightgrey");
        }
        double u = ratio.getAsDouble();
        String color = u >= 0.999 ? "brightgreen" : u >= 0.99 ? "green" : u >= 0.97 ? "yellowgreen"
                : u >= 0.95 ? "yellow" : u >= 0.90 ? "orange" : "red";
        return new Badge(label, Format.percent(ratio), color);
    }

    /** Shields.io's endpoint schema, version 1. */
    Map<String, Object> shieldsJson() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("schemaVersion", 1);
        out.put("label", label);
        out.put("message", message);
        out.put("color", color);
        return out;
    }

    String svg() {
        int lw = width(label) + 10;
        int mw = width(message) + 10;
        int w = lw + mw;
        String fill = HEX.getOrDefault(color, "#9f9f9f");
        Html h = new Html(1_024);
        h.raw("<svg xmlns=\"http://www.w3.org/2000/svg\"").attr("width", w).raw(" height=\"20\" role=\"img\"")
                .attr("aria-label", label + ": " + message).raw("><title>").text(label + ": " + message).raw("</title>")
                .raw("<linearGradient id=\"s\" x2=\"0\" y2=\"100%\"><stop offset=\"0\" stop-color=\"#bbb\" stop-opacity=\".1\"/>"
                        + "<stop offset=\"1\" stop-opacity=\".1\"/></linearGradient>"
                        + "<clipPath id=\"r\"><rect").attr("width", w).raw(" height=\"20\" rx=\"3\" fill=\"#fff\"/></clipPath>"
                        + "<g clip-path=\"url(#r)\"><rect").attr("width", lw).raw(" height=\"20\" fill=\"#555\"/><rect")
                .attr("x", lw).attr("width", mw).raw(" height=\"20\"").attr("fill", fill).raw("/><rect")
                .attr("width", w).raw(" height=\"20\" fill=\"url(#s)\"/></g>"
                        + "<g fill=\"#fff\" text-anchor=\"middle\" font-family=\"Verdana,Geneva,DejaVu Sans,sans-serif\" "
                        + "font-size=\"11\" text-rendering=\"geometricPrecision\">");
        text(h, label, lw / 2.0);
        text(h, message, lw + mw / 2.0);
        h.raw("</g></svg>");
        return h.toString();
    }

    private static void text(Html h, String s, double x) {
        String cx = String.format(Locale.ROOT, "%.1f", x);
        h.raw("<text").attr("x", cx).raw(" y=\"15\" fill=\"#010101\" fill-opacity=\".3\" aria-hidden=\"true\">").text(s)
                .raw("</text><text").attr("x", cx).raw(" y=\"14\">").text(s).raw("</text>");
    }

    /** Estimated width in px of {@code s} in Verdana 11 px. */
    static int width(String s) {
        double w = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if ("il.,:;|!'".indexOf(c) >= 0) {
                w += 3.5;
            } else if ("fjrt()[]/ ".indexOf(c) >= 0) {
                w += 4.6;
            } else if ("mwMW%@".indexOf(c) >= 0) {
                w += 10.5;
            } else if (Character.isUpperCase(c) || Character.isDigit(c) && c != '1') {
                w += 7.5;
            } else {
                w += 6.8;
            }
        }
        return (int) Math.ceil(w);
    }
}
