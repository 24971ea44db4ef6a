package dev.watchpost.page;

import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * The history part of a target's page, laid out by {@code page/history.jte}: each location's latest
 * result (a target checked from several), uptime over 24 h / 7 d / 30 d / 1 y, the 90 day bars, the response-time chart with its range links (the recent checks of
 * a probed target drawn on it), a composite's parts, or a note that history cannot be read now.
 * The status page's target page and the dashboard's both show it, read by {@link TargetRoutes#load}
 * and built by {@link TargetPageView}: one copy of the uptime, bars and chart. Public only so that
 * the dashboard's template can hand it to {@code page/history.jte}; what it holds is this package's.
 *
 * @param bars  the day bars; null when history cannot be read
 * @param chart null for kinds without response times
 * @param locations each location's latest result, for a target checked from several; empty otherwise
 * @param zone  the zone its days and periods are in, as the page names it ({@code UTC}, {@code Asia/Tokyo})
 */
public record TargetHistory(boolean historyUnavailable, List<TargetPageView.UptimeCell> uptime, gg.jte.Content bars,
                            TargetPageView.Chart chart, List<TargetPageView.PartRow> parts,
                            List<TargetPageView.LocationRow> locations, String zone) {

    /**
     * Where the section's links go: the status page's own pages, or the dashboard's.
     *
     * @param target a target's page, by its id
     * @param group  a group's place, by its id
     * @param page   the page showing this section with its chart over a range, by the range's id
     *               ({@code "7d"}); given "" for the default range, so the link is the page's plain address
     */
    public record Links(UnaryOperator<String> target, UnaryOperator<String> group, UnaryOperator<String> page) {
        public Links {
            Objects.requireNonNull(target, "target");
            Objects.requireNonNull(group, "group");
            Objects.requireNonNull(page, "page");
        }
    }

    boolean composite() {
        return !parts.isEmpty();
    }
}
