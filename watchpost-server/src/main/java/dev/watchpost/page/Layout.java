package dev.watchpost.page;

/**
 * The shell every page shares ({@code page/layout.jte}): head (one stylesheet, one module script, no
 * inline script or style, as the Content-Security-Policy demands), a skip link, the header with
 * navigation and the live connection indicator, landmarks, and the footer.
 */
final class Layout {

    private final Assets assets;

    Layout(Assets assets) {
        this.assets = assets;
    }

    /** Which navigation entry is the current page. */
    enum Nav { STATUS, FLEET }

    /**
     * What the shell of one page shows.
     *
     * @param title the document title
     * @param live  whether the page subscribes to the live feed (the indicator is shown)
     * @param css   the stylesheet's versioned URL
     * @param js    the entry module's versioned URL
     */
    record Shell(String title, Nav nav, boolean live, String css, String js) {

        /** {@code aria-current}'s value on the navigation entry {@code entry}: "page" or none. */
        String current(Nav entry) {
            return nav == entry ? "page" : null;
        }
    }

    Shell shell(String title, Nav current, boolean live) {
        return new Shell(title, current, live, assets.url("page.css"), assets.url("page.js"));
    }
}
