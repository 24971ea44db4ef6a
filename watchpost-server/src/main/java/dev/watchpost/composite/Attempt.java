package dev.watchpost.composite;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The result of one try to deliver an availability action.
 *
 * @param statusCode the receiver's HTTP status, or empty when none came (refused, timed out, ...)
 * @param error      why it failed, empty when it was delivered
 */
public record Attempt(Instant at, String url, Optional<Integer> statusCode, Optional<String> error) {

    public Attempt {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(statusCode, "statusCode");
        Objects.requireNonNull(error, "error");
    }

    /** The receiver answered: delivered when the status is 2xx. */
    static Attempt answered(Instant at, String url, int status) {
        boolean ok = status >= 200 && status < 300;
        return new Attempt(at, url, Optional.of(status), ok ? Optional.empty() : Optional.of("HTTP " + status));
    }

    static Attempt failed(Instant at, String url, String error) {
        return new Attempt(at, url, Optional.empty(), Optional.of(error));
    }

    public boolean delivered() {
        return error.isEmpty();
    }
}
