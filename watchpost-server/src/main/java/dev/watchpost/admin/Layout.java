package dev.watchpost.admin;

import dev.watchpost.web.Html;
import dev.watchpost.live.Severity;
import dev.watchpost.live.State;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;

/** The dashboard's page chrome and the small pieces every page uses. */
final class Layout {

    private static final DateTimeFormatter SHOWN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    /** Texts for {@code ?ok=} after a redirect: fixed here, so nothing from the URL is ever shown. */
    private static final Map<String, String> DONE = Map.ofEntries(
            Map.entry("created", "Created."),
            Map.entry("saved", "Saved."),
            Map.entry("deleted", "Deleted."),
            Map.entry("paused", "Paused: not checked, shown as maintenance until resumed."),
            Map.entry("resumed", "Resumed."),
            Map.entry("status", "Status recorded."),
            Map.entry("posted", "Notice posted."),
            Map.entry("updated", "Update posted."),
            Map.entry("revoked", "Token revoked."),
            Map.entry("signed-in", "Signed in."));

    private Layout() {
    }

    /** Starts a page: head, top bar with navigation and sign-out, the {@code ?ok=} message, {@code <main>}. */
    static Html page(String title, String section, Exchange x) {
        Html h = head(title);
        h.raw("<header class=\"top\"><a class=\"brand\" href=\"/admin/targets\">Watchpost <span>admin</span></a><nav>");
        for (String[] item : new String[][] {{"targets", "Targets"}, {"groups", "Groups"}, {"notices", "Notices"},
                {"alerts", "Alerts"}, {"tokens", "Tokens"}, {"cluster", "Cluster"}}) {
            h.raw("<a href=\"/admin/").raw(item[0]).raw("\"").raw(item[0].equals(section) ? " aria-current=\"page\"" : "")
                    .raw(">").raw(item[1]).raw("</a>");
        }
        h.raw("</nav><form method=\"post\" action=\"/admin/logout\" class=\"signout\">");
        csrf(h, x);
        h.raw("<button type=\"submit\">Sign out</button></form></header><main>");
        String done = DONE.get(x.query("ok"));
        if (done != null) {
            h.raw("<p class=\"flash ok\" role=\"status\">").text(done).raw("</p>");
        }
        return h;
    }

    /** The document head and an opened body, for pages with and without the top bar. */
    static Html head(String title) {
        return new Html().raw("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                        + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                        + "<meta name=\"color-scheme\" content=\"light dark\"><title>")
                .text(title).raw(" · Watchpost admin</title>"
                        + "<link rel=\"stylesheet\" href=\"/admin/assets/admin.css\">"
                        + "<script src=\"/admin/assets/admin.js\" defer></script></head><body>");
    }

    static String end(Html h) {
        return h.raw("</main></body></html>").toString();
    }

    static Html close(Html h) {
        return h.raw("</main></body></html>");
    }

    /** The hidden synchronizer token every form of the session carries. */
    static void csrf(Html h, Exchange x) {
        h.raw("<input type=\"hidden\" name=\"csrf\"").attr("value", x.csrf()).raw(">");
    }

    static void error(Html h, String message) {
        h.raw("<p class=\"flash error\" role=\"alert\">").text(message).raw("</p>");
    }

    /** A state told apart by text and shape, not colour alone. */
    static void state(Html h, State s) {
        h.raw("<span").attr("class", "state sev-" + severity(s.severity())).raw("><span class=\"shape\" aria-hidden=\"true\">")
                .raw(shape(s.severity())).raw("</span> ").text(s.id()).raw("</span>");
    }

    static String severity(Severity s) {
        return s.name().toLowerCase(Locale.ROOT);
    }

    private static String shape(Severity s) {
        return switch (s) {
            case OK -> "●";
            case WARN -> "▲";
            case BAD -> "■";
            case MAINTENANCE -> "◆";
            case UNKNOWN -> "○";
        };
    }

    /** A time in UTC, machine-readable for the script that shows it in the browser's zone. */
    static void time(Html h, Instant t) {
        h.raw("<time").attr("datetime", t.toString()).raw(">").text(SHOWN.format(t)).raw("</time>");
    }

    static void time(Html h, long epochMs) {
        if (epochMs <= 0) {
            h.raw("—");
        } else {
            time(h, Instant.ofEpochMilli(epochMs));
        }
    }

    static String url(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** A labelled text input; {@code error} marks it invalid and says why beside it. */
    static void input(Html h, String name, String label, String value, String hint, String error, String type,
                      boolean required) {
        String id = "f-" + name.replace('.', '-');
        h.raw("<div class=\"field").raw(error != null ? " invalid" : "").raw("\"><label").attr("for", id).raw(">")
                .text(label).raw("</label><input").attr("id", id).attr("name", name).attr("type", type)
                .attr("value", value == null ? "" : value).flag("required", required);
        if (hint != null && !hint.isEmpty()) {
            h.attr("placeholder", hint);
        }
        if (error != null) {
            h.attr("aria-invalid", "true").attr("aria-describedby", id + "-error");
        }
        h.raw(">");
        if (error != null) {
            h.raw("<p class=\"field-error\"").attr("id", id + "-error").raw(">").text(error).raw("</p>");
        }
        h.raw("</div>");
    }

    static void textarea(Html h, String name, String label, String value, int rows, String hint) {
        String id = "f-" + name.replace('.', '-');
        h.raw("<div class=\"field\"><label").attr("for", id).raw(">").text(label).raw("</label><textarea")
                .attr("id", id).attr("name", name).attr("rows", Integer.toString(rows));
        if (hint != null) {
            h.attr("placeholder", hint);
        }
        h.raw(">").text(value == null ? "" : value).raw("</textarea></div>");
    }

    static void checkbox(Html h, String name, String label, boolean checked) {
        String id = "f-" + name.replace('.', '-');
        h.raw("<div class=\"field check\"><input type=\"checkbox\" value=\"on\"").attr("id", id).attr("name", name)
                .flag("checked", checked).raw("><label").attr("for", id).raw(">").text(label).raw("</label></div>");
    }
}
