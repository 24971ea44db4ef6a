package dev.watchpost.page;

import dev.watchpost.config.WatchpostConfig;

import java.util.List;

/**
 * The shell every page shares ({@code page/layout.jte}): head (one stylesheet, the accent's when
 * set, one module script, no inline script or style, as the Content-Security-Policy demands), a skip
 * link, the header with the page's name and logo, navigation and the live connection indicator,
 * landmarks, and the footer with the operator's links.
 */
final class Layout {

    private final Assets assets;
    private final Look look;

    /** The page as its operator set it up ({@code status-page:}), with the URLs its images are served at. */
    record Look(String name, String title, String logo, String favicon, String faviconType, String theme,
                List<WatchpostConfig.StatusPage.Link> links, boolean noindex) {
    }

    Layout(Assets assets) {
        this(assets, WatchpostConfig.StatusPage.defaults(), true);
    }

    /**
     * @param indexable false when search engines are asked to stay away (the setting, or a page that
     *                  needs a token)
     */
    Layout(Assets assets, WatchpostConfig.StatusPage page, boolean indexable) {
        this.assets = assets;
        String logo = page.logo().map(i -> assets.add("logo" + extension(i.contentType()), i.contentType(), i.bytes()))
                .orElse(null);
        String favicon = page.favicon().map(i -> assets.add("favicon" + extension(i.contentType()), i.contentType(),
                i.bytes())).orElse(null);
        String theme = page.accent().map(a -> assets.add("theme.css", "text/css; charset=utf-8",
                Theme.css(a).getBytes(java.nio.charset.StandardCharsets.UTF_8))).orElse(null);
        this.look = new Look(page.name(), page.title(), logo, favicon, page.favicon().map(i -> i.contentType()).orElse(null),
                theme, page.footer(), !(page.searchEngines() && indexable));
    }

    Look look() {
        return look;
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
