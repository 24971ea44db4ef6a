package dev.watchpost.app;

/** Watchpost must not start; the message tells the operator what to change. */
final class StartupException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public StartupException(String message) {
        super(message);
    }
}
