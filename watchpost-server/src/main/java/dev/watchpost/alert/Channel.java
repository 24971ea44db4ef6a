package dev.watchpost.alert;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Where alerts go. {@code spec} is the declaration as given, secrets included: show only
 * {@link AlertSpecs#redacted}.
 *
 * @param rateLimit at most this many requests; alerts over it wait and go out together as one summary
 * @param batch     ({@code batch:}) alerts that come due within this window of the first go out as one
 *                  message (chat channels by default); empty: one request per alert
 */
record Channel(String id, Settings settings, Optional<RateLimit> rateLimit, Optional<Duration> batch, ObjectNode spec,
               String source) {

    Channel {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(rateLimit, "rateLimit");
        Objects.requireNonNull(batch, "batch");
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(source, "source");
    }

    String kind() {
        return settings.kind();
    }

    /** Without the spec: it holds the secrets. */
    @Override
    public String toString() {
        return "Channel[id=" + id + ", settings=" + settings + ", rateLimit=" + rateLimit + ", batch=" + batch + ", source="
                + source + "]";
    }

    /** One message per round listing every alert due (e-mail with {@code batch: true}). */
    Optional<Duration> batchEvery() {
        return settings instanceof Email e && e.batch() ? Optional.of(e.every()) : Optional.empty();
    }

    /** The kind's settings, one record per kind. */
    sealed interface Settings {
        default String kind() {
            return getClass().getSimpleName().toLowerCase(Locale.ROOT);
        }
    }

    /** How an SMTP connection is secured. */
    enum Tls {
        /** Plain connection upgraded with STARTTLS, which is required (port 587). */
        STARTTLS,
        /** TLS from the first byte (SMTPS, port 465). */
        TLS,
        /** No encryption (a relay on localhost, tests). */
        NONE
    }

    record Email(String host, int port, Tls tls, Optional<String> username, Optional<String> password, String from,
                 List<String> to, List<String> cc, boolean batch, Duration every) implements Settings {
        Email {
            to = List.copyOf(to);
            cc = List.copyOf(cc);
        }

        @Override
        public String toString() {
            return "Email[host=" + host + ", port=" + port + ", tls=" + tls + ", to=" + to + ", cc=" + cc + "]";
        }
    }

    record Slack(URI webhook) implements Settings {
        @Override
        public String toString() {
            return "Slack[***]";
        }
    }

    record Discord(URI webhook) implements Settings {
        @Override
        public String toString() {
            return "Discord[***]";
        }
    }

    /** Microsoft Teams through a Workflows ("When a Teams webhook request is received") URL. */
    record Teams(URI webhook) implements Settings {
        @Override
        public String toString() {
            return "Teams[***]";
        }
    }

    record Telegram(URI apiUrl, String token, String chatId) implements Settings {
        @Override
        public String toString() {
            return "Telegram[apiUrl=" + apiUrl + ", chatId=" + chatId + "]";
        }
    }

    record Ntfy(URI url, String topic, Optional<String> token) implements Settings {
        @Override
        public String toString() {
            return "Ntfy[url=" + url + ", topic=" + topic + "]";
        }
    }

    record PagerDuty(URI eventsUrl, String routingKey) implements Settings {
        @Override
        public String kind() {
            return "pagerduty";
        }

        @Override
        public String toString() {
            return "PagerDuty[eventsUrl=" + eventsUrl + "]";
        }
    }

    /** The generic webhook: Watchpost's own JSON, signed with HMAC-SHA256 when a secret is given. */
    record Webhook(URI url, Optional<String> secret, Map<String, String> headers) implements Settings {
        Webhook {
            headers = Map.copyOf(headers);
        }

        @Override
        public String toString() {
            return "Webhook[***]";
        }
    }
}
