package dev.watchpost.admin;

import dev.watchpost.live.Severity;
import dev.watchpost.web.Times;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The dashboard's page chrome ({@code admin/layout.jte}, {@code admin/bare.jte}) and the small pieces
 * every page uses (inputs, states, times: {@code admin/input.jte}, {@code state.jte}, {@code time.jte}).
 */
final class Layout {

    /** Texts for {@code ?ok=} after a redirect: fixed here, so nothing from the URL is ever shown. */
    private static final Map<String, String> DONE = Map.ofEntries(
            Map.entry("created", "Created."),
            Map.entry("saved", "Saved."),
            Map.entry("deleted", "Deleted."),
            Map.entry("paused", "Paused: not checked, shown as maintenance until resumed."),
            Map.entry("resumed", "Resumed."),
            Map.entry("status", "Status recorded."),
            Map.entry("checked", "Checked now: the result is below."),
            Map.entry("posted", "Notice posted."),
            Map.entry("updated", "Update posted."),
            Map.entry("revoked", "Token revoked."),
            Map.entry("signed-in", "Signed in."));

    /** The dashboard's sections, in the order of the top bar. */
    record NavItem(String section, String label) {
        String href() {
            return "/admin/" + section;
        }
    }

    static final List<NavItem> NAV = List.of(new NavItem("targets", "Targets"), new NavItem("groups", "Groups"),
            new NavItem("notices", "Notices"), new NavItem("alerts", "Alerts"), new NavItem("tokens", "Tokens"),
            new NavItem("cluster", "Cluster"));

    /**
     * What the chrome of one signed-in page shows ({@code admin/layout.jte}).
     *
     * @param section the top bar's current entry
     * @param flash   the {@code ?ok=} message, or null
     * @param times   how the page writes times: as the status page and alerts do ({@code admin/time.jte})
     */
    record Shell(String title, String section, String csrf, String flash, Times times) {

        /** {@code aria-current}'s value on a top bar entry: "page" or none. */
        String current(NavItem item) {
            return item.section().equals(section) ? "page" : null;
        }
    }

    /**
     * A labelled text input ({@code admin/input.jte}).
     *
     * @param error marks it invalid and says why beside it; null when valid
     */
    record Input(String name, String label, String value, String hint, String error, String type, boolean required) {

        static Input text(String name, String label, String value, String hint) {
            return new Input(name, label, value, hint, null, "text", false);
        }

        Input asRequired() {
            return new Input(name, label, value, hint, error, type, true);
        }

        String id() {
            return fieldId(name);
        }

        String placeholder() {
            return hint == null || hint.isEmpty() ? null : hint;
        }
    }

    /** An {@code <option>} of a select ({@code admin/options.jte}). */
    record Option(String value, String label, boolean selected) {
    }

    /**
     * A page saying what went wrong ({@code admin/problem.jte}): something does not exist, or was asked
     * for wrongly. Its heading is the shell's title ("Not found", "Bad request").
     *
     * @param backHref a link onwards, or null
     */
    record Problem(Shell shell, String message, String backHref, String backLabel) {
    }

    /**
     * "Delete …?" ({@code admin/confirm.jte}, worded by {@code targetDelete.jte}, {@code groupDelete.jte},
     * {@code noticeDelete.jte}).
     *
     * @param subject what is named in the heading; {@code detail} what is named in the text
     * @param action  where the button posts; {@code cancel} where "Cancel" goes
     */
    record Confirm(Shell shell, String subject, String detail, String action, String button, String cancel) {
    }

    private Layout() {
    }

    /** The chrome of a page in {@code section}, for the signed-in session of {@code x}. */
    static Shell shell(String title, String section, Exchange x) {
        return new Shell(title, section, x.csrf(), DONE.get(x.query("ok")), x.times());
    }

    static String fieldId(String name) {
        return "f-" + name.replace('.', '-');
    }

    static String severity(Severity s) {
        return s.name().toLowerCase(Locale.ROOT);
    }

    /** The same symbols as the status page's ({@link dev.watchpost.web.Symbols}). */
    static String shape(Severity s) {
        return dev.watchpost.web.Symbols.of(s);
    }

    static String shape(dev.watchpost.live.State s) {
        return dev.watchpost.web.Symbols.of(s);
    }

    static String url(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
