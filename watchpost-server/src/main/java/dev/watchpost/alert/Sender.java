package dev.watchpost.alert;

import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Sends one delivery (one alert, or several as one message) to a channel's receiver and says how it
 * went. Implementations keep no state between calls; they run on the delivery's virtual thread.
 */
interface Sender {

    /**
     * One request's worth of alerts.
     *
     * @param key     the idempotency key ({@code X-Watchpost-Delivery}): the same on every retry
     * @param alerts  one alert, or several for a batched e-mail or a rate-limit summary, in id order
     * @param summary whether to send them as one message (else {@code alerts} has exactly one)
     */
    record Delivery(String key, List<Alert> alerts, boolean summary, Texts.Context ctx) {
        public Delivery {
            Objects.requireNonNull(key, "key");
            alerts = List.copyOf(alerts);
            if (alerts.isEmpty()) {
                throw new IllegalArgumentException("a delivery needs an alert");
            }
        }

        Alert first() {
            return alerts.get(0);
        }
    }

    /** @return the attempt: delivered (no error) or failed with a reason a person understands */
    Alert.Attempt send(Delivery d, Instant at) throws InterruptedException;

    static Sender of(Channel c, HttpClient http, Duration timeout) {
        return switch (c.settings()) {
            case Channel.Email e -> new EmailSender(e, timeout);
            default -> new HttpSender(c, http, timeout);
        };
    }
}
