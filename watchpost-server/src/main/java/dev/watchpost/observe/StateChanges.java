package dev.watchpost.observe;

import dev.watchpost.live.Transition;
import dev.watchpost.live.TransitionListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * One log line per state change: which target, from, to and why, so an operator can follow an
 * outage with {@code grep} alone. Hears a node's own changes once they are durable (in cluster mode
 * each change is logged once, by the node that decided it). Its own logger,
 * {@code dev.watchpost.state}, can be quietened apart from the rest
 * ({@code org.slf4j.simpleLogger.log.dev.watchpost.state=warn}).
 */
public final class StateChanges implements TransitionListener {

    private static final Logger LOG = LoggerFactory.getLogger("dev.watchpost.state");
    /** Reasons are short by design; a long one (a probe's error text) is cut so a line stays a line. */
    static final int MAX_REASON = 300;

    @Override
    public void onTransitions(List<Transition> transitions) {
        if (!LOG.isInfoEnabled()) {
            return;
        }
        for (Transition t : transitions) {
            LOG.info("event=state.changed target={} kind={} from={} to={} at={} reason=\"{}\"", t.targetId(),
                    t.target().kind(), t.from().id(), t.to().id(), t.at(), quoted(t.reason()));
        }
    }

    /**
     * The reason as the inside of a double-quoted value: quotes and backslashes escaped, line breaks
     * and other control characters written as escapes, so no reason can forge a second log line.
     */
    static String quoted(String reason) {
        String r = reason.length() > MAX_REASON ? reason.substring(0, MAX_REASON) + "…" : reason;
        StringBuilder b = null;
        for (int i = 0; i < r.length(); i++) {
            char c = r.charAt(i);
            String esc = switch (c) {
                case '"' -> "\\\"";
                case '\\' -> "\\\\";
                case '\n' -> "\\n";
                case '\r' -> "\\r";
                case '\t' -> "\\t";
                default -> Character.isISOControl(c) || c == '\u2028' || c == '\u2029'
                        ? String.format("\\u%04x", (int) c) : null;
            };
            if (esc != null && b == null) {
                b = new StringBuilder(r.length() + 16).append(r, 0, i);
            }
            if (b != null) {
                if (esc != null) {
                    b.append(esc);
                } else {
                    b.append(c);
                }
            }
        }
        return b == null ? r : b.toString();
    }
}
