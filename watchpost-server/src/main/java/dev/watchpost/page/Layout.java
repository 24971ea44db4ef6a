package dev.watchpost.page;

import dev.watchpost.config.WatchpostConfig;
import dev.watchpost.web.Times;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The shell every page shares ({@code page/layout.jte}): head (one stylesheet, the accent's when
 * set, one module script, no inline script or style, as the Content-Security-Policy demands), a skip
 * link, the header with the page's name and logo, navigation and the live connection indicator,
 * landmarks, and the footer with the operator's links.
 */
final class Layout {

    private final Assets assets;
    private final Look look;
    private final Times times;

    /**
     * The page as its operator set it up ({@code status-page:}), with the URLs its images are served at.
     *
     * @param zone      the zone times are written in, for the browser modules ({@code data-zone})
     * @param zoneNames the zone's short names by offset in minutes ({@code 540=JST}, {@code 60=CET 120=CEST}),
     *                  so the modules write a time as the server does ({@code data-zone-names})
     */
    record Look(String name, String title, String logo, String favicon, String faviconType, String theme,
                List<WatchpostConfig.StatusPage.Link> links, boolean noindex, String zone, String zoneNames) {
    }

    /**
     * @param indexable false when search engines are asked to stay away (the setting, or a page that
     *                  needs a token)
     * @param times     how every page writes times for people
     * @param now       when the page starts being served: the zone's names are those of the years around it
     */
    Layout(Assets assets, WatchpostConfig.StatusPage page, boolean indexable, Times times, Instant now) {
        this.assets = assets;
        this.times = times;
        String logo = page.logo().map(i -> assets.add("logo" + extension(i.contentType()), i.contentType(), i.bytes()))
                .orElse(null);
        String favicon = page.favicon().map(i -> assets.add("favicon" + extension(i.contentType()), i.contentType(),
                i.bytes())).orElse(null);
        String theme = page.accent().map(a -> assets.add("theme.css", "text/css; charset=utf-8",
                Theme.css(a).getBytes(java.nio.charset.StandardCharsets.UTF_8))).orElse(null);
        this.look = new Look(page.name(), page.title(), logo, favicon, page.favicon().map(i -> i.contentType()).orElse(null),
                theme, page.footer(), !(page.searchEngines() && indexable), times.label(),
                zoneNames(times, now));
    }

    Look look() {
        return look;
    }

    Times times() {
        return times;
    }

    /**
     * The short names of the offsets the zone uses from a year before {@code around} to two years
     * after, by offset in minutes: what the browser modules need to name a time as {@link Times}
     * does (browsers know few such names, and not the same ones). An offset missing here, after a
     * change of the zone's rules, is written {@code GMT+hh:mm} by the modules, as the JDK does.
     */
    static String zoneNames(Times times, Instant around) {
        var rules = times.zone().getRules();
        Map<Integer, String> names = new TreeMap<>();
        names.put(rules.getOffset(around).getTotalSeconds() / 60, times.name(around));
        Instant end = around.plus(java.time.Duration.ofDays(731));
        for (var t = rules.nextTransition(around.minus(java.time.Duration.ofDays(366))); t != null
                && t.getInstant().isBefore(end); t = rules.nextTransition(t.getInstant())) {
            names.putIfAbsent(t.getOffsetBefore().getTotalSeconds() / 60, times.name(t.getInstant().minusSeconds(1)));
            names.putIfAbsent(t.getOffsetAfter().getTotalSeconds() / 60, times.name(t.getInstant()));
        }
        StringBuilder b = new StringBuilder();
        names.forEach((offset, name) -> b.append(b.isEmpty() ? "" : " ").append(offset).append('=').append(name));
        return b.toString();
    }

    /** The name a served image gets, by what it is. */
    static String extension(String contentType) {
        return switch (contentType) {
            case "image/png" -> ".png";
            case "image/jpeg" -> ".jpg";
            case "image/gif" -> ".gif";
            case "image/webp" -> ".webp";
            case "image/svg+xml" -> ".svg";
            case "image/x-icon" -> ".ico";
            default -> throw new IllegalArgumentException("no image type " + contentType);
        };
    }

    /** Which navigation entry is the current page. */
    enum Nav { STATUS, FLEET }

    /**
     * What the shell of one page shows.
     *
     * @param title    the document title
     * @param live     whether the page subscribes to the live feed (the indicator is shown)
     * @param fleetTab whether the navigation offers the fleet view (only where Argus is used); with
     *                 nothing else to offer, there is no navigation at all
     * @param css      the stylesheet's versioned URL
     * @param js       the entry module's versioned URL
     */
    record Shell(String title, Nav nav, boolean live, boolean fleetTab, String css, String js, Look look) {

        /** {@code aria-current}'s value on the navigation entry {@code entry}: "page" or none. */
        String current(Nav entry) {
            return nav == entry ? "page" : null;
        }
    }

    /** @param title this page's own title; the page's name follows it, except on the status page itself */
    Shell shell(String title, Nav current, boolean live, boolean fleetTab) {
        String full = current == Nav.STATUS && title.equals(look.title()) ? title : title + " · " + look.name();
        return new Shell(full, current, live, fleetTab || current == Nav.FLEET, assets.url("page.css"),
                assets.url("page.js"), look);
    }

    /** The status page's own shell: the configured title. */
    Shell statusShell(boolean fleetTab) {
        return shell(look.title(), Nav.STATUS, true, fleetTab);
    }
}
