package dev.watchpost.observe;

import com.fasterxml.jackson.databind.JsonNode;
import dev.watchpost.live.Snapshot;
import dev.watchpost.live.State;
import dev.watchpost.live.TargetKind;
import dev.watchpost.live.TargetView;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The per-target series of {@code /metrics/targets}, in the Prometheus text format (0.0.4), written
 * straight from one immutable {@link Snapshot} at scrape time: no meter object per target, nothing
 * kept between scrapes, and nothing on the hot path (reports and lease expiries never see this
 * class). The cost is one pass over the snapshot per family, proportional to the targets written.
 *
 * <p>Every sample carries {@code id}, {@code group} (empty for a target outside any group) and
 * {@code kind}; all three are declared names, never secrets. Families without a value for a target
 * (no latency measured yet, not a TLS check, not probed here) simply leave that target out.
 *
 * <p>Not thread-safe: one instance per scrape.
 */
final class TargetMetrics {

    /** Where the last run of a probed target is timed; {@code NaN} when it has not run here. */
    @FunctionalInterface
    interface ProbeDurations {
        double lastSeconds(String targetId);

        ProbeDurations NONE = id -> Double.NaN;
    }

    /** The metrics key a TLS check puts its certificate's days left in: {@code probe.TlsCheck.DAYS_LEFT}. */
    static final String TLS_DAYS_LEFT = "tls_days_left";

    /** Bytes gathered before a write to the response: large enough that a write per line never happens. */
    private static final int BUFFER = 64 * 1024;

    private final OutputStream out;
    private final byte[] buf = new byte[BUFFER];
    private int pos;
    /** The family being written. */
    private String name;

    private TargetMetrics(OutputStream out) {
        this.out = out;
    }

    /**
     * Writes every family for the targets of {@code snapshot} that {@code include} accepts, then
     * flushes {@code out} (it does not close it).
     */
    static void write(Snapshot snapshot, Predicate<TargetView> include, ProbeDurations durations, OutputStream out)
            throws IOException {
        write(snapshot::forEachTarget, include, durations, out);
    }

    /** As above, over any source of targets: {@code targets} visits them, once per family. */
    static void write(Consumer<Consumer<TargetView>> snapshot, Predicate<TargetView> include, ProbeDurations durations,
                      OutputStream out) throws IOException {
        TargetMetrics w = new TargetMetrics(out);
        w.family("watchpost_target_up", "gauge",
                "1 when the target's state counts as up (online, starting, stopping, resuming, degraded), else 0");
        w.each(snapshot, include, v -> v.state().up() ? 1 : 0);
        w.family("watchpost_target_state", "gauge",
                "The target's state as its numeric code: 0 unknown, 1 unhealthy, 2 offline, 3 online, 4 starting, "
                        + "5 stopping, 6 resuming, 7 degraded, 8 down, 9 maintenance");
        w.each(snapshot, include, v -> v.state().code());
        w.family("watchpost_target_state_since_seconds", "gauge",
                "When the target's state last changed, as Unix time in seconds; absent before its first change");
        w.each(snapshot, include, v -> v.since() > 0 ? v.since() / 1000.0 : Double.NaN);
        w.family("watchpost_target_latency_seconds", "gauge",
                "The latency of the target's last report or check, in seconds; absent when none was measured");
        w.each(snapshot, include, v -> v.latencyMs() / 1000.0);
        w.family("watchpost_target_tls_days_left", "gauge",
                "TLS checks: days until the certificate served expires (negative once expired), at the last check");
        w.each(snapshot, include, TargetMetrics::tlsDaysLeft);
        w.family("watchpost_target_probe_duration_seconds", "gauge",
                "Checks run by this server: how long the last run took, from its start to its result, in seconds");
        w.each(snapshot, include, v -> v.kind().probed() ? durations.lastSeconds(v.id()) : Double.NaN);
        w.flush();
    }

    private static double tlsDaysLeft(TargetView v) {
        if (v.kind() != TargetKind.TLS || v.metrics() == null) {
            return Double.NaN;
        }
        JsonNode d = v.metrics().get(TLS_DAYS_LEFT);
        return d != null && d.isNumber() ? d.asDouble() : Double.NaN;
    }

    @FunctionalInterface
    private interface Value {
        double of(TargetView v);
    }

    private void family(String name, String type, String help) throws IOException {
        this.name = name;
        ascii("# HELP ").ascii(name).ascii(" ").text(help, false).ascii("\n");
        ascii("# TYPE ").ascii(name).ascii(" ").ascii(type).ascii("\n");
    }

    private void each(Consumer<Consumer<TargetView>> snapshot, Predicate<TargetView> include, Value value)
            throws IOException {
        IOException[] failed = new IOException[1];
        snapshot.accept(v -> {
            if (failed[0] != null || !include.test(v)) {
                return;
            }
            double x = value.of(v);
            if (Double.isNaN(x)) {
                return;
            }
            try {
                sample(v, x);
            } catch (IOException e) {
                failed[0] = e; // the scraper went away: stop writing, report it once
            }
        });
        if (failed[0] != null) {
            throw failed[0];
        }
    }

    private void sample(TargetView v, double x) throws IOException {
        ascii(name).ascii("{id=\"").text(v.id(), true)
                .ascii("\",group=\"").text(v.groupId() == null ? "" : v.groupId(), true)
                .ascii("\",kind=\"").ascii(v.kind().id()).ascii("\"} ");
        if (x == Math.rint(x) && Math.abs(x) < 1e15) {
            digits((long) x); // most values (up, state, whole seconds): no string per sample
        } else if (Math.abs(x) >= 1e7 && Math.abs(x) < 1e15) {
            // Double.toString writes 1.7963784005E9 from here on: valid, but not how a person reads a
            // timestamp. Such values are Unix times in seconds from milliseconds: written to the millisecond.
            long ms = Math.round(x * 1000);
            if (ms < 0) {
                put((byte) '-');
                ms = -ms;
            }
            digits(ms / 1000);
            int frac = (int) (ms % 1000);
            if (frac != 0) {
                put((byte) '.');
                put((byte) ('0' + frac / 100));
                if (frac % 100 != 0) {
                    put((byte) ('0' + frac / 10 % 10));
                    if (frac % 10 != 0) {
                        put((byte) ('0' + frac % 10));
                    }
                }
            }
        } else {
            ascii(Double.toString(x));
        }
        ascii("\n");
    }

    private void digits(long v) throws IOException {
        if (v < 0) {
            put((byte) '-');
            v = -v;
        }
        long div = 1;
        while (v / div >= 10) {
            div *= 10;
        }
        for (; div > 0; div /= 10) {
            put((byte) ('0' + (v / div) % 10));
        }
    }

    /** Appends text known to be ASCII without escapes (names, types, numbers). */
    private TargetMetrics ascii(String s) throws IOException {
        int n = s.length();
        for (int i = 0; i < n; i++) {
            put((byte) s.charAt(i));
        }
        return this;
    }

    /**
     * Appends {@code s} as UTF-8, escaped as the text format asks: in label values backslash,
     * double quote and line feed; in HELP texts backslash and line feed.
     */
    private TargetMetrics text(String s, boolean labelValue) throws IOException {
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c == '\\') {
                put((byte) '\\');
                put((byte) '\\');
            } else if (c == '\n') {
                put((byte) '\\');
                put((byte) 'n');
            } else if (c == '"' && labelValue) {
                put((byte) '\\');
                put((byte) '"');
            } else if (c < 0x80) {
                put((byte) c);
            } else {
                int end = i + 1;
                while (end < n && s.charAt(end) >= 0x80) {
                    end++;
                }
                for (byte b : s.substring(i, end).getBytes(StandardCharsets.UTF_8)) {
                    put(b);
                }
                i = end - 1;
            }
        }
        return this;
    }

    private void put(byte b) throws IOException {
        if (pos == buf.length) {
            out.write(buf, 0, pos);
            pos = 0;
        }
        buf[pos++] = b;
    }

    private void flush() throws IOException {
        if (pos > 0) {
            out.write(buf, 0, pos);
            pos = 0;
        }
        out.flush();
    }
}
