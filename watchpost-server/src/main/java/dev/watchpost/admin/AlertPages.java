package dev.watchpost.admin;

import dev.watchpost.alert.AlertEngine;
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

    /** The alerts page ({@code admin/alerts.jte}); {@code tested} and {@code error} may be null. */
    record Page(Layout.Shell shell, String error, TestAnswer tested, List<AlertEngine.ChannelInfo> channels,
                List<AlertEngine.Delivery> deliveries) {
    }

    /** A test's answer as shown: whether it was delivered, and in words. */
    record TestAnswer(boolean delivered, String text) {
    }

    private void page(Exchange x, Status status, Tested tested, String error) {
        TestAnswer answer = tested == null ? null : new TestAnswer(tested.result().delivered(),
                "Test to " + tested.channel() + ": " + tested.result().result());
        x.page(status, "admin/alerts.jte", new Page(Layout.shell("Alerts", "alerts", x), error, answer, alerts.channels(),
                alerts.deliveries(HISTORY)));
    }
}
