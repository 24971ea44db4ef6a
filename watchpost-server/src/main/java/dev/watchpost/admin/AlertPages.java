package dev.watchpost.admin;

import dev.watchpost.alert.AlertEngine;
import dev.watchpost.web.Html;
import io.helidon.http.Status;

import java.util.List;
import java.util.Optional;

/**
 * Alerts: the channels (with a "Send test" button each, whose answer is shown at once) and the
 * delivery history, newest first. Channels and rules themselves are declared in the config file or
 * through the API.
 */
final class AlertPages {

    static final int HISTORY = 100;

    private final AlertEngine alerts;

    AlertPages(AlertEngine alerts) {
        this.alerts = alerts;
    }

    void list(Exchange x) {
        page(x, Status.OK_200, null, null);
    }

    /** Answers with the page and the test's result (the operator is waiting for it), not a redirect. */
    void test(Exchange x) {
        String id = x.form().trimmed("channel");
        Optional<AlertEngine.TestResult> r;
        try {
            r = alerts.sendTest(id);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            page(x, Status.SERVICE_UNAVAILABLE_503, null, "Watchpost is stopping; the test was not sent.");
            return;
        }
        if (r.isEmpty()) {
            page(x, Status.NOT_FOUND_404, null, "No channel '" + id + "'.");
            return;
        }
        page(x, Status.OK_200, new Tested(id, r.get()), null);
    }

    private record Tested(String channel, AlertEngine.TestResult result) {
    }

    private void page(Exchange x, Status status, Tested tested, String error) {
        Html h = Layout.page("Alerts", "alerts", x);
        h.raw("<h1>Alerts</h1>");
        if (error != null) {
            Layout.error(h, error);
        }
        if (tested != null) {
            h.raw("<p class=\"flash ").raw(tested.result().delivered() ? "ok" : "error").raw("\" role=\"status\" id=\"test-result\">")
                    .text("Test to " + tested.channel() + ": " + tested.result().result()).raw("</p>");
        }
        h.raw("<h2>Channels</h2>");
        List<AlertEngine.ChannelInfo> channels = alerts.channels();
        if (channels.isEmpty()) {
            h.raw("<p class=\"muted\">No channels yet: declare them under <code>channels:</code> in the config file or "
                    + "with <code>POST /api/v1/channels</code>.</p>");
        } else {
            h.raw("<table id=\"channels\"><thead><tr><th>Channel</th><th>Kind</th><th>Declared in</th><th>Deliveries</th>"
                    + "<th></th></tr></thead><tbody>");
            for (AlertEngine.ChannelInfo c : channels) {
                h.raw("<tr><td>").text(c.id()).raw("</td><td>").text(c.kind()).raw("</td><td>")
                        .text(c.managedByConfig() ? "config file" : "API").raw("</td><td>")
                        .text(c.failing().map(f -> "failing " + f).orElse("working")).raw("</td><td>")
                        .raw("<form method=\"post\" action=\"/admin/alerts/test\">");
                Layout.csrf(h, x);
                h.raw("<input type=\"hidden\" name=\"channel\"").attr("value", c.id())
                        .raw("><button type=\"submit\" class=\"secondary\">Send test</button></form></td></tr>");
            }
            h.raw("</tbody></table>");
        }
        h.raw("<h2>Delivery history</h2>");
        List<AlertEngine.Delivery> deliveries = alerts.deliveries(HISTORY);
        if (deliveries.isEmpty()) {
            h.raw("<p class=\"muted\">No alerts yet.</p>");
        } else {
            h.raw("<table id=\"deliveries\"><thead><tr><th>When</th><th>Target</th><th>Event</th><th>Channel</th>"
                    + "<th>Status</th><th>Attempts</th><th>Last result</th></tr></thead><tbody>");
            for (AlertEngine.Delivery d : deliveries) {
                h.raw("<tr><td>");
                Layout.time(h, d.createdAt());
                h.raw("</td><td>").text(d.targetId().orElse("—")).raw("</td><td>").text(d.event()).raw("</td><td>")
                        .text(d.channelId()).raw("</td><td>").text(d.status()).raw("</td><td>").text(d.attempts())
                        .raw("</td><td>").text(d.lastResult().orElse("—")).raw("</td></tr>");
            }
            h.raw("</tbody></table>");
        }
        x.send(status, Layout.close(h));
    }
}
