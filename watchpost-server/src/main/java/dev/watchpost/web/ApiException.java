package dev.watchpost.web;

import io.helidon.http.Status;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A request that cannot be served, with the status and the message the client gets. Handlers throw
 * it; {@link ErrorMapping} turns it into the one JSON error shape {@code {"error": "...", ...}}.
 */
public final class ApiException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient Status status;
    private final transient Map<String, Object> details;

    public ApiException(Status status, String message) {
        this(status, message, Map.of());
    }

    public ApiException(Status status, String message, Map<String, Object> details) {
        super(message, null, false, false); // an expected outcome: no stack trace to pay for
        this.status = status;
        this.details = Map.copyOf(details);
    }

    public static ApiException badRequest(String message) {
        return new ApiException(Status.BAD_REQUEST_400, message);
    }

    public static ApiException notFound(String message) {
        return new ApiException(Status.NOT_FOUND_404, message);
    }

    public Status status() {
        return status;
    }

    /** The JSON body: {@code error} first, then any details. */
    public Map<String, Object> body() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", getMessage());
        body.putAll(details);
        return body;
    }
}
