package dev.watchpost.client;

/**
 * What the live stream tells. Called on the stream's own thread, one event at a time; a listener
 * that throws is logged and the stream goes on. Every method does nothing unless overridden.
 */
public interface StreamListener {

    /** The whole picture: on the first connection, and on a reconnection the server could not resume. */
    default void onSnapshot(Snapshot snapshot) {
    }

    /** One state change. */
    default void onTransition(Transition transition) {
    }

    /** A reconnection was resumed: the {@code replayed} changes missed meanwhile came as transitions. */
    default void onResumed(long replayed) {
    }

    /** The connection was lost (or could not be made); the stream reconnects by itself after a pause. */
    default void onDisconnected(Throwable cause) {
    }
}
