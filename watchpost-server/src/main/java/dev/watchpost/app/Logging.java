package dev.watchpost.app;

import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * One backend (slf4j-simple), one line per event on stderr. Configured before the first logger is
 * created, from the validated {@code logging.level}.
 */
public final class Logging {

    private Logging() {
    }

    /** Also called by the reliability suite's in-process server, so it logs as the real one does. */
    public static void configure(String level) {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", level);
        // Libraries are chatty at info; keep them at warn unless the operator asks for debug.
        String libraries = level.equals("debug") || level.equals("trace") ? level : "warn";
        for (String lib : new String[] {"io.helidon", "com.zaxxer.hikari", "org.flywaydb"}) {
            System.setProperty("org.slf4j.simpleLogger.log." + lib, libraries);
        }
        // Helidon warns, with a stack trace, whenever a client leaves while its answer is being written
        // ("Unable to reset response for error handler"): anyone could fill the log that way, and
        // nothing is wrong on this side.
        if (!(level.equals("debug") || level.equals("trace"))) {
            System.setProperty("org.slf4j.simpleLogger.log.io.helidon.webserver.http.ErrorHandlers", "error");
        }
        if (!SLF4JBridgeHandler.isInstalled()) {
            SLF4JBridgeHandler.removeHandlersForRootLogger();
            SLF4JBridgeHandler.install();
        }
    }
}
