package dev.watchpost.page;

import dev.watchpost.web.Html;
/**
 * The shell every page shares: head (one stylesheet, one module script, no inline script or style,
 * as the Content-Security-Policy demands), a skip link, the header with navigation and the live
 * connection indicator, landmarks, and the footer.
 */
final class Layout {

    private final Assets assets;

    Layout(Assets assets) {
        this.assets = assets;
    }

    /** Which navigation entry is the current page. */
    enum Nav { STATUS, FLEET }

    /**
     * Writes everything before the page's own content and opens {@code <main>}.
     *
     * @param title  the document title (escaped)
     * @param live   whether the page subscribes to the live feed (the indicator is shown)
     */
    void open(Html h, String title, Nav current, boolean live) {
        h.raw("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                + "<meta name=\"color-scheme\" content=\"light dark\">"
                + "<link rel=\"icon\" href=\"data:,\"><title>").text(title).raw("</title>")
                .raw("<link rel=\"stylesheet\"").attr("href", assets.url("page.css")).raw(">")
                .raw("<script type=\"module\"").attr("src", assets.url("page.js")).raw("></script>")
                .raw("</head><body><a class=\"skip\" href=\"#main\">Skip to content</a>")
                .raw("<header class=\"top\"><div class=\"wrap bar\"><a class=\"brand\" href=\"/\">Watchpost</a>")
                .raw("<nav aria-label=\"Views\"><ul>")
                .raw("<li><a href=\"/\"").raw(current == Nav.STATUS ? " aria-current=\"page\"" : "").raw(">Status</a></li>")
                .raw("<li><a href=\"/fleet\"").raw(current == Nav.FLEET ? " aria-current=\"page\"" : "").raw(">Fleet</a></li>")
                .raw("</ul></nav>");
        if (live) {
            // Without JavaScript this stays a plain "snapshot" note; the live module takes it over.
            h.raw("<p id=\"conn\" class=\"conn\" data-conn=\"static\" role=\"status\" aria-live=\"polite\">"
                    + "<span class=\"dot\" aria-hidden=\"true\"></span><span class=\"conn-text\">Snapshot</span></p>");
        }
        h.raw("</div></header><main id=\"main\" class=\"wrap\">");
    }

    void close(Html h) {
        h.raw("</main><footer class=\"wrap foot\"><p>Served by Watchpost. State is told by text and symbol; "
                + "colours follow your system's light or dark theme.</p></footer></body></html>\n");
    }
}
