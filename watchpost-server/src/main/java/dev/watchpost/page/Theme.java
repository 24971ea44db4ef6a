package dev.watchpost.page;

import java.util.Locale;

/**
 * The accent colour ({@code status-page.accent}) as a small stylesheet that sets {@code --accent}:
 * served as an asset, since the Content-Security-Policy allows no inline style.
 *
 * <p>The colour is used for text (links) and marks (the header's edge, the current tab), so it must
 * stay readable on both themes: for the light theme it is darkened, for the dark theme lightened,
 * each only as far as needed for a contrast of at least 4.5:1 (WCAG AA for text) against that
 * theme's backgrounds. A colour that already reads well is used as given.
 */
final class Theme {

    static final double MIN_CONTRAST = 4.5;
    /** The backgrounds text reads worst on: the light theme's darker one, the dark theme's lighter one (page.css). */
    static final int LIGHT_BACKGROUND = 0xf6f8fa;
    static final int DARK_BACKGROUND = 0x151b23;

    private Theme() {
    }

    /** @param accent {@code #rrggbb} */
    static String css(String accent) {
        int rgb = Integer.parseInt(accent.substring(1), 16);
        return "/* status-page.accent " + accent + ", adjusted per theme to stay readable */\n"
                + ":root { --accent: " + hex(readableOn(rgb, LIGHT_BACKGROUND, 0x000000)) + "; }\n"
                + "@media (prefers-color-scheme: dark) { :root { --accent: " + hex(readableOn(rgb, DARK_BACKGROUND, 0xffffff))
                + "; } }\n";
    }

    /** {@code rgb} mixed towards {@code toward} in small steps until it reads on {@code background}. */
    static int readableOn(int rgb, int background, int toward) {
        int c = rgb;
        for (int step = 1; step <= 20 && contrast(c, background) < MIN_CONTRAST; step++) {
            c = mix(rgb, toward, step / 20.0);
        }
        return c;
    }

    /** WCAG 2 contrast ratio of two colours, 1 to 21. */
    static double contrast(int a, int b) {
        double la = luminance(a);
        double lb = luminance(b);
        return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
    }

    private static double luminance(int rgb) {
        return 0.2126 * channel(rgb >> 16) + 0.7152 * channel(rgb >> 8) + 0.0722 * channel(rgb);
    }

    private static double channel(int v) {
        double c = (v & 0xff) / 255.0;
        return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    }

    private static int mix(int a, int b, double t) {
        int r = (int) Math.round(((a >> 16) & 0xff) * (1 - t) + ((b >> 16) & 0xff) * t);
        int g = (int) Math.round(((a >> 8) & 0xff) * (1 - t) + ((b >> 8) & 0xff) * t);
        int bl = (int) Math.round((a & 0xff) * (1 - t) + (b & 0xff) * t);
        return (r << 16) | (g << 8) | bl;
    }

    static String hex(int rgb) {
        return String.format(Locale.ROOT, "#%06x", rgb & 0xffffff);
    }
}
