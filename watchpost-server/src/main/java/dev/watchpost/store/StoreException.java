package dev.watchpost.store;

/** The database could not do what was asked. The message is safe to show an operator. */
public final class StoreException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final boolean unavailable;

    public StoreException(String message) {
        this(message, null, false);
    }

    public StoreException(String message, Throwable cause) {
        this(message, cause, false);
    }

    public StoreException(String message, Throwable cause, boolean unavailable) {
        super(message, cause);
        this.unavailable = unavailable;
    }

    /**
     * True when the database could not be reached (stopped, restarting, network), as opposed to a
     * statement that failed: the same work will succeed once the database is back.
     */
    public boolean unavailable() {
        return unavailable;
    }
}
