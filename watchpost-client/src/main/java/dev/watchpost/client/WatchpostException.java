package dev.watchpost.client;

/**
 * A synchronous call failed: the server answered with an error ({@link #status()} and its JSON
 * {@code error} in {@link #error()}), or it could not be reached ({@link #status()} is 0).
 */
public final class WatchpostException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final String error;

    WatchpostException(int status, String error, Throwable cause) {
        super(status == 0 ? error : "Watchpost answered " + status + ": " + error, cause);
        this.status = status;
        this.error = error;
    }

    /** The HTTP status, or 0 when no answer came (connection refused, timeout). */
    public int status() {
        return status;
    }

    /** The server's {@code error} text, or what went wrong when no answer came. */
    public String error() {
        return error;
    }
}
