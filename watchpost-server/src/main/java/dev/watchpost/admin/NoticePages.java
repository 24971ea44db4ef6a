package dev.watchpost.admin;

import dev.watchpost.web.Html;
import dev.watchpost.live.LiveState;
import dev.watchpost.notice.Notice;
import dev.watchpost.notice.NoticeBoard;
import dev.watchpost.notice.NoticeChange;
import dev.watchpost.notice.NoticeDraft;
import dev.watchpost.notice.NoticeKind;
import dev.watchpost.notice.NoticeService;
import dev.watchpost.notice.NoticeStatus;
import dev.watchpost.notice.NoticeUpdate;
import io.helidon.http.Status;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** Notices: post incidents and their updates, schedule maintenance, edit and delete. */
final class NoticePages {

    private static final DateTimeFormatter LOCAL_INPUT = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm");

    private final NoticeService notices;
    private final LiveState live;

    NoticePages(NoticeService notices, LiveState live) {
        this.notices = notices;
        this.live = live;
    }

    void list(Exchange x) {
        Html h = Layout.page("Notices", "notices", x);
        h.raw("<div class=\"actions\"><h1>Notices</h1><a class=\"button\" href=\"/admin/notices/new?kind=incident\">"
                + "Post an incident</a><a class=\"button secondary\" href=\"/admin/notices/new?kind=maintenance\">"
                + "Schedule maintenance</a></div>");
        NoticeBoard board = notices.board(x.now(), Duration.ofDays(90));
        table(h, "Current", "current", board.current(), x.now());
        table(h, "Finished in the last 90 days", "recent", board.recent(), x.now());
        x.send(Status.OK_200, Layout.close(h));
    }

    private static void table(Html h, String title, String id, List<Notice> list, Instant now) {
        h.raw("<h2>").text(title).raw("</h2>");
        if (list.isEmpty()) {
            h.raw("<p class=\"muted\">None.</p>");
            return;
        }
        h.raw("<table").attr("id", id).raw("><thead><tr><th>Notice</th><th>Kind</th><th>Status</th><th>When</th>"
                + "<th>Latest update</th></tr></thead><tbody>");
        for (Notice n : list) {
            h.raw("<tr><td><a").attr("href", "/admin/notice?id=" + n.id()).raw(">").text(n.title()).raw("</a></td><td>")
                    .text(n.kind().id()).raw("</td><td>").text(n.statusAt(now).label()).raw("</td><td>");
            Layout.time(h, n.startsAt());
            if (n.kind() == NoticeKind.MAINTENANCE) {
                h.raw(" – ");
                Layout.time(h, n.endsAt().orElseThrow());
            }
            h.raw("</td><td class=\"message\">").text(n.latestMessage()).raw("</td></tr>");
        }
        h.raw("</tbody></table>");
    }

    // ---------------------------------------------------------------- create

    void newForm(Exchange x) {
        NoticeKind kind = NoticeKind.parse(x.query("kind")).orElse(NoticeKind.INCIDENT);
        form(x, Status.OK_200, kind, x.form(), x.queryOptional("target").orElse(""), null);
    }

    private void form(Exchange x, Status status, NoticeKind kind, Form typed, String targets, String error) {
        boolean incident = kind == NoticeKind.INCIDENT;
        String title = incident ? "Post an incident" : "Schedule maintenance";
        Html h = Layout.page(title, "notices", x);
        h.raw("<h1>").text(title).raw("</h1><form method=\"post\" action=\"/admin/notices/new\" class=\"card\" id=\"notice-form\">");
        Layout.csrf(h, x);
        h.raw("<input type=\"hidden\" name=\"kind\"").attr("value", kind.id()).raw(">");
        if (error != null) {
            Layout.error(h, error);
        }
        Layout.input(h, "title", "Title", typed.get("title"), incident ? "e.g. Elevated API errors" : "e.g. Database upgrade",
                null, "text", true);
        if (incident) {
            statusSelect(h, typed.get("status").isEmpty() ? NoticeStatus.INVESTIGATING.id() : typed.get("status"), false);
        } else {
            window(h, typed.get("starts"), typed.get("ends"), typed.has("tz") ? typed.get("tz") : "UTC");
        }
        Layout.textarea(h, "message", "Message", typed.get("message"), 4, "What is happening, for the status page");
        Layout.textarea(h, "targets", "Affected targets or groups", typed.has("targets") ? typed.get("targets") : targets, 3,
                "one id per line" + (incident ? "" : "; they show maintenance during the window"));
        h.raw("<button type=\"submit\">").raw(incident ? "Post incident" : "Schedule").raw("</button></form>");
        x.send(status, Layout.close(h));
    }

    private static void statusSelect(Html h, String chosen, boolean allowKeep) {
        h.raw("<div class=\"field\"><label for=\"f-status\">Status</label><select id=\"f-status\" name=\"status\">");
        if (allowKeep) {
            h.raw("<option value=\"\">(keep the status)</option>");
        }
        for (NoticeStatus s : NoticeStatus.INCIDENT) {
            h.raw("<option").attr("value", s.id()).flag("selected", s.id().equals(chosen)).raw(">").text(s.label()).raw("</option>");
        }
        h.raw("</select></div>");
    }

    private static void window(Html h, String starts, String ends, String tz) {
        h.raw("<div class=\"grid\">");
        Layout.input(h, "starts", "Starts", starts, "", null, "datetime-local", true);
        Layout.input(h, "ends", "Ends", ends, "", null, "datetime-local", true);
        String id = "f-tz";
        h.raw("<div class=\"field\"><label").attr("for", id).raw(">Time zone</label><input type=\"text\" name=\"tz\" data-browser-zone")
                .attr("id", id).attr("value", tz).raw("></div></div>");
    }

    void create(Exchange x) {
        Form f = x.form();
        NoticeKind kind = NoticeKind.parse(f.get("kind")).orElse(NoticeKind.INCIDENT);
        Notice n;
        try {
            Optional<NoticeStatus> status = Optional.empty();
            Optional<Instant> starts = Optional.empty();
            Optional<Instant> ends = Optional.empty();
            if (kind == NoticeKind.INCIDENT) {
                status = Optional.of(NoticeStatus.parseIncident(f.get("status")).orElse(NoticeStatus.INVESTIGATING));
            } else {
                ZoneId zone = zone(f.trimmed("tz"));
                starts = Optional.of(instant(f.trimmed("starts"), zone, "starts"));
                ends = Optional.of(instant(f.trimmed("ends"), zone, "ends"));
            }
            n = notices.create(new NoticeDraft(kind, f.get("title"), status, f.get("message"), ids(f.get("targets")), starts, ends));
        } catch (IllegalArgumentException e) {
            form(x, Status.BAD_REQUEST_400, kind, f, "", e.getMessage());
            return;
        }
        x.redirect("/admin/notice?id=" + n.id() + "&ok=posted");
    }

    // ---------------------------------------------------------------- one notice

    void detail(Exchange x) {
        detail(x, Status.OK_200, null, Form.empty());
    }

    private void detail(Exchange x, Status status, String error, Form typed) {
        Optional<Notice> found = notice(x);
        if (found.isEmpty()) {
            Html h = Layout.page("Not found", "notices", x);
            Layout.error(h.raw("<h1>Not found</h1>"), "There is no such notice.");
            x.send(Status.NOT_FOUND_404, Layout.close(h));
            return;
        }
        Notice n = found.get();
        Instant now = x.now();
        Html h = Layout.page(n.title(), "notices", x);
        h.raw("<h1>").text(n.title()).raw("</h1>");
        if (error != null) {
            Layout.error(h, error);
        }
        h.raw("<div class=\"card\"><dl class=\"facts\"><dt>Kind</dt><dd>").text(n.kind().id())
                .raw("</dd><dt>Status</dt><dd id=\"notice-status\">").text(n.statusAt(now).label()).raw("</dd><dt>")
                .raw(n.kind() == NoticeKind.MAINTENANCE ? "Window" : "Posted").raw("</dt><dd>");
        Layout.time(h, n.startsAt());
        if (n.kind() == NoticeKind.MAINTENANCE) {
            h.raw(" – ");
            Layout.time(h, n.endsAt().orElseThrow());
        } else if (n.endsAt().isPresent()) {
            h.raw("; resolved ");
            Layout.time(h, n.endsAt().get());
        }
        h.raw("</dd><dt>Affects</dt><dd>");
        if (n.targets().isEmpty()) {
            h.raw("—");
        }
        for (int i = 0; i < n.targets().size(); i++) {
            String t = n.targets().get(i);
            h.raw(i == 0 ? "" : ", ").raw("<a").attr("href", live.group(t).isPresent() ? "/admin/group?id=" + Layout.url(t)
                    : "/admin/target?id=" + Layout.url(t)).raw(">").text(t).raw("</a>");
        }
        h.raw("</dd></dl></div>");

        h.raw("<h2>Updates</h2><ol class=\"updates\" id=\"updates\">");
        for (NoticeUpdate u : n.updates()) {
            h.raw("<li><div class=\"muted\">");
            Layout.time(h, u.at());
            if (u.status().isPresent()) {
                h.raw(" · ").text(u.status().get().label());
            }
            h.raw("</div><div class=\"msg\">").text(u.message()).raw("</div></li>");
        }
        h.raw("</ol>");

        h.raw("<h2>Post an update</h2><form method=\"post\" class=\"card\" id=\"update-form\"")
                .attr("action", "/admin/notice/update?id=" + n.id()).raw(">");
        Layout.csrf(h, x);
        if (n.kind() == NoticeKind.INCIDENT) {
            statusSelect(h, typed.get("status"), true);
        }
        Layout.textarea(h, "message", "Message", typed.get("message"), 3, "What changed");
        h.raw("<button type=\"submit\">Post update</button></form>");

        h.raw("<h2>Edit</h2><form method=\"post\" class=\"card\" id=\"edit-form\"").attr("action", "/admin/notice/edit?id=" + n.id()).raw(">");
        Layout.csrf(h, x);
        Layout.input(h, "title", "Title", n.title(), "", null, "text", true);
        if (n.kind() == NoticeKind.MAINTENANCE) {
            window(h, LOCAL_INPUT.format(n.startsAt().atZone(ZoneOffset.UTC)),
                    LOCAL_INPUT.format(n.endsAt().orElseThrow().atZone(ZoneOffset.UTC)), "UTC");
        }
        Layout.textarea(h, "targets", "Affected targets or groups", String.join("\n", n.targets()), 3, "one id per line");
        h.raw("<button type=\"submit\">Save</button></form>");
        h.raw("<div class=\"actions\"><a class=\"button secondary\"").attr("href", "/admin/notice/delete?id=" + n.id())
                .raw(">Delete…</a></div>");
        x.send(status, Layout.close(h));
    }

    private Optional<Notice> notice(Exchange x) {
        String id = x.query("id");
        return id.matches("\\d{1,18}") ? notices.notice(Long.parseLong(id)) : Optional.empty();
    }

    void addUpdate(Exchange x) {
        Optional<Notice> n = notice(x);
        if (n.isEmpty()) {
            detail(x);
            return;
        }
        try {
            Optional<NoticeStatus> status = x.form().trimmed("status").isEmpty() ? Optional.empty()
                    : Optional.of(NoticeStatus.parseIncident(x.form().trimmed("status"))
                            .orElseThrow(() -> new IllegalArgumentException("status: choose one of the list")));
            notices.addUpdate(n.get().id(), status, x.form().get("message"));
        } catch (IllegalArgumentException e) {
            detail(x, Status.BAD_REQUEST_400, e.getMessage(), x.form());
            return;
        }
        x.redirect("/admin/notice?id=" + n.get().id() + "&ok=updated");
    }

    void save(Exchange x) {
        Optional<Notice> n = notice(x);
        if (n.isEmpty()) {
            detail(x);
            return;
        }
        Form f = x.form();
        try {
            Optional<Instant> starts = Optional.empty();
            Optional<Instant> ends = Optional.empty();
            if (n.get().kind() == NoticeKind.MAINTENANCE) {
                ZoneId zone = zone(f.trimmed("tz"));
                starts = Optional.of(instant(f.trimmed("starts"), zone, "starts"));
                ends = Optional.of(instant(f.trimmed("ends"), zone, "ends"));
            }
            notices.change(n.get().id(), new NoticeChange(Optional.of(f.get("title")), Optional.of(ids(f.get("targets"))),
                    starts, ends));
        } catch (IllegalArgumentException e) {
            detail(x, Status.BAD_REQUEST_400, e.getMessage(), Form.empty());
            return;
        }
        x.redirect("/admin/notice?id=" + n.get().id() + "&ok=saved");
    }

    void confirmDelete(Exchange x) {
        Optional<Notice> n = notice(x);
        if (n.isEmpty()) {
            detail(x);
            return;
        }
        Html h = Layout.page("Delete notice", "notices", x);
        h.raw("<h1>Delete “").text(n.get().title()).raw("”?</h1><p>The notice and its updates are deleted; a maintenance "
                + "window in progress ends at once.</p><div class=\"actions\"><form method=\"post\"")
                .attr("action", "/admin/notice/delete?id=" + n.get().id()).raw(">");
        Layout.csrf(h, x);
        h.raw("<button type=\"submit\" class=\"danger\">Delete notice</button></form><a")
                .attr("href", "/admin/notice?id=" + n.get().id()).raw(">Cancel</a></div>");
        x.send(Status.OK_200, Layout.close(h));
    }

    void delete(Exchange x) {
        Optional<Notice> n = notice(x);
        if (n.isPresent()) {
            notices.delete(n.get().id());
        }
        x.redirect("/admin/notices?ok=deleted");
    }

    // ---------------------------------------------------------------- parsing

    /** Ids separated by lines, commas or spaces. */
    static List<String> ids(String text) {
        return Arrays.stream(text.split("[\\s,]+")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    static ZoneId zone(String text) {
        try {
            return text.isEmpty() ? ZoneOffset.UTC : ZoneId.of(text);
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("time zone: unknown zone '" + text + "' (e.g. UTC, Europe/Berlin)");
        }
    }

    /** A {@code datetime-local} value in {@code zone}, or an ISO-8601 time with its own offset. */
    static Instant instant(String text, ZoneId zone, String field) {
        if (text.isEmpty()) {
            throw new IllegalArgumentException(field + " is required");
        }
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException notOffset) {
            try {
                return LocalDateTime.parse(text).atZone(zone).toInstant();
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException(field + ": '" + text + "' is not a date and time (2026-11-23T14:00)");
            }
        }
    }
}
