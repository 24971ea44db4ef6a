package dev.watchpost.client;

import java.lang.System.Logger.Level;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.IntSupplier;

/**
 * A cron job's runs around a push target's ping key: {@code /start} before, then success or
 * failure (with the exit code) after, with the run time in the message. The job's own outcome
 * always wins: when Watchpost cannot be reached the ping is logged and the job goes on.
 */
public final class Job {

    private static final System.Logger LOG = System.getLogger(Watchpost.class.getName());

    private final Watchpost client;
    private final String key;

    Job(Watchpost client, String key) {
        this.client = client;
        this.key = key;
    }

    /** Runs {@code task}: success when it returns, failure (exit code 1) when it throws; rethrows. */
    public void run(Runnable task) {
        try {
            call(() -> {
                task.run();
                return null;
            });
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e); // a Runnable throws no checked exception
        }
    }

    /** Runs {@code task} and answers its result: success when it returns, failure (exit code 1) when it throws; rethrows. */
    public <T> T call(Callable<T> task) throws Exception {
        long start = start();
        T result;
        try {
            result = task.call();
        } catch (Exception | Error e) {
            finish(1, "failed after " + seconds(start) + ": " + e);
            throw e;
        }
        finish(0, "succeeded in " + seconds(start));
        return result;
    }

    /**
     * Runs {@code task}, whose answer is the exit code (0 success, 1-255 failure), and answers it.
     * A throw counts as exit code 1 and is rethrown.
     */
    public int exit(IntSupplier task) {
        long start = start();
        int code;
        try {
            code = task.getAsInt();
        } catch (RuntimeException | Error e) {
            finish(1, "failed after " + seconds(start) + ": " + e);
            throw e;
        }
        if (code < 0 || code > 255) {
            throw new IllegalArgumentException("an exit code is 0-255, not " + code);
        }
        finish(code, code == 0 ? "succeeded in " + seconds(start) : "exit code " + code + " after " + seconds(start));
        return code;
    }

    private long start() {
        try {
            client.pingPath(key, "start", null);
        } catch (WatchpostException e) {
            LOG.log(Level.WARNING, "Watchpost: could not report a job's start: " + e.getMessage());
        }
        return System.nanoTime();
    }

    private void finish(int code, String message) {
        try {
            client.pingPath(key, code == 0 ? null : Integer.toString(code), message);
        } catch (WatchpostException e) {
            LOG.log(Level.WARNING, "Watchpost: could not report a job's end (" + message + "): " + e.getMessage());
        }
    }

    private static String seconds(long startNanos) {
        return String.format(Locale.ROOT, "%.3f s", (System.nanoTime() - startNanos) / 1e9);
    }
}
