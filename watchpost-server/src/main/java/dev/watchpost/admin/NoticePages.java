package dev.watchpost.admin;

import dev.watchpost.live.LiveState;
import dev.watchpost.notice.Notice;
import dev.watchpost.notice.NoticeBoard;
import dev.watchpost.notice.NoticeChange;
import dev.watchpost.notice.NoticeDraft;
import dev.watchpost.notice.NoticeKind;
import dev.watchpost.notice.NoticeService;
import dev.watchpost.notice.NoticeStatus;
import dev.watchpost.notice.NoticeUpdate;
import dev.watchpost.web.Times;
import io.helidon.http.Status;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
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
    private final Times times;

    /** @param times the dashboard's zone: a maintenance window's times are read in it unless the form names another */
    NoticePages(NoticeService notices, LiveState live, Times times) {
        this.notices = notices;
        this.live = live;
        this.times = times;
    }

    /** The notices ({@code admin/notices.jte}): current ones, then those finished lately. */
    record ListPage(Layout.Shell shell, List<Table> tables) {
    }

    record Table(String title, String id, List<Row> notices) {
    }

    /** @param ends the end of a maintenance window; null for incidents */
    record Row(long id, String title, String kind, String status, Instant starts, Instant ends, String latest) {
    }

    void list(Exchange x) {
        NoticeBoard board = notices.board(x.now(), Duration.ofDays(90));
        x.page(Status.OK_200, "admin/notices.jte", new ListPage(Layout.shell("Notices", "notices", x), List.of(
                new Table("Current", "current", rows(board.current(), x.now())),
                new Table("Finished in the last 90 days", "recent", rows(board.recent(), x.now())))));
    }

    private static List<Row> rows(List<Notice> list, Instant now) {
        return list.stream().map(n -> new Row(n.id(), n.title(), n.kind().id(), n.statusAt(now).label(), n.startsAt(),
                n.kind() == NoticeKind.MAINTENANCE ? n.endsAt().orElseThrow() : null, n.latestMessage())).toList();
    }

    // ---------------------------------------------------------------- create

    /**
     * The form for a new notice ({@code admin/noticeForm.jte}): {@code statuses} for an incident,
     * {@code window} for maintenance (the other is null).
     */
    record FormPage(Layout.Shell shell, String kind, String error, Layout.Input title, List<Layout.Option> statuses,
                    Window window, String message, String targets, String targetsHint, String submit) {
    }

    /**
     * A maintenance window's fields ({@code admin/noticeWindow.jte}).
     *
     * @param browserZone whether the dashboard's script may put the browser's zone in {@code tz}: only
     *                    on a new window's empty form while no zone is configured (UTC); the times of a
     *                    window being edited are written in {@code tz}, which must stay as it is
     */
    record Window(Layout.Input starts, Layout.Input ends, String tz, boolean browserZone) {
        static Window of(String starts, String ends, String tz, boolean browserZone) {
            return new Window(new Layout.Input("starts", "Starts", starts, "", null, "datetime-local", true),
                    new Layout.Input("ends", "Ends", ends, "", null, "datetime-local", true), tz, browserZone);
        }
    }

    void newForm(Exchange x) {
        NoticeKind kind = NoticeKind.parse(x.query("kind")).orElse(NoticeKind.INCIDENT);
        form(x, Status.OK_200, kind, x.form(), x.queryOptional("target").orElse(""), null);
    }

    private void form(Exchange x, Status status, NoticeKind kind, Form typed, String targets, String error) {
        boolean incident = kind == NoticeKind.INCIDENT;
        String title = incident ? "Post an incident" : "Schedule maintenance";
        x.page(status, "admin/noticeForm.jte", new FormPage(Layout.shell(title, "notices", x), kind.id(), error,
                Layout.Input.text("title", "Title", typed.get("title"), incident ? "e.g. Elevated API errors"
                        : "e.g. Database upgrade").asRequired(),
                incident ? statuses(typed.get("status").isEmpty() ? NoticeStatus.INVESTIGATING.id() : typed.get("status")) : null,
                incident ? null : Window.of(typed.get("starts"), typed.get("ends"),
                        typed.has("tz") ? typed.get("tz") : times.label(), !typed.has("tz") && times.equals(Times.UTC)),
                typed.get("message"), typed.has("targets") ? typed.get("targets") : targets,
                "one id per line" + (incident ? "" : "; they show maintenance during the window"),
                incident ? "Post incident" : "Schedule"));
    }

    private static List<Layout.Option> statuses(String chosen) {
        return NoticeStatus.INCIDENT.stream().map(s -> new Layout.Option(s.id(), s.label(), s.id().equals(chosen))).toList();
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
            x.page(Status.NOT_FOUND_404, "admin/problem.jte", new Layout.Problem(Layout.shell("Not found", "notices", x),
                    "There is no such notice.", null, null));
            return;
        }
        Notice n = found.get();
        boolean maintenance = n.kind() == NoticeKind.MAINTENANCE;
        List<Layout.Option> affects = n.targets().stream().map(t -> new Layout.Option(live.group(t).isPresent()
                ? "/admin/group?id=" + Layout.url(t) : "/admin/target?id=" + Layout.url(t), t, false)).toList();
        x.page(status, "admin/notice.jte", new DetailPage(Layout.shell(n.title(), "notices", x), n.id(), n.title(), error,
                n.kind().id(), n.statusAt(x.now()).label(), maintenance, n.startsAt(), n.endsAt().orElse(null), affects,
                n.updates(), n.kind() == NoticeKind.INCIDENT ? statuses(typed.get("status")) : null, typed.get("message"),
                Layout.Input.text("title", "Title", n.title(), "").asRequired(),
                maintenance ? Window.of(LOCAL_INPUT.format(n.startsAt().atZone(times.zone())),
                        LOCAL_INPUT.format(n.endsAt().orElseThrow().atZone(times.zone())), times.label(), false) : null,
                String.join("\n", n.targets())));
    }

    /**
     * One notice ({@code admin/notice.jte}) with its update and edit forms.
     *
     * @param ends     the window's end, or when the incident was resolved; null while open
     * @param affects  each affected id (label) with the link to it (value)
     * @param statuses the update's status choice, for incidents; null for maintenance
     * @param window   the window's fields, for maintenance; null for incidents
     */
    record DetailPage(Layout.Shell shell, long id, String title, String error, String kind, String status,
                      boolean maintenance, Instant starts, Instant ends, List<Layout.Option> affects,
                      List<NoticeUpdate> updates, List<Layout.Option> statuses, String message, Layout.Input titleField,
                      Window window, String targets) {
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
        String id = Long.toString(n.get().id());
        x.page(Status.OK_200, "admin/noticeDelete.jte", new Layout.Confirm(Layout.shell("Delete notice", "notices", x),
                n.get().title(), id, "/admin/notice/delete?id=" + id, "Delete notice", "/admin/notice?id=" + id));
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

    /** The zone a form names; the dashboard's own when it names none. */
    ZoneId zone(String text) {
        try {
            return text.isEmpty() ? times.zone() : ZoneId.of(text);
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
