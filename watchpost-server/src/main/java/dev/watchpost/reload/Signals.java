package dev.watchpost.reload;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code SIGHUP}, the signal daemons reload on ({@code kill -HUP}, {@code systemctl reload}). Only
 * the JDK's {@code sun.misc.Signal} can catch it; where it cannot (another platform, a JVM started
 * with {@code -Xrs}), saving the file or {@code POST /api/v1/config/reload} still reload.
 */
final class Signals {

    private static final Logger LOG = LoggerFactory.getLogger(Signals.class);

    private Signals() {
    }

    static void onHangUp(Runnable action) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("HUP"), s -> action.run());
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            LOG.warn("event=config.sighup_unavailable error=\"{}\" hint=\"reloads follow the file and the API\"", e.getMessage());
        }
    }
}
