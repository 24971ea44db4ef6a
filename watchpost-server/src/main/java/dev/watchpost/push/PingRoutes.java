package dev.watchpost.push;

import dev.watchpost.live.LiveState;
import dev.watchpost.live.Observation;
import dev.watchpost.web.ApiException;
import dev.watchpost.web.Bodies;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.nio.charset.StandardCharsets;

/**
 * Cron-style pings in Healthchecks' form, for jobs that can only run {@code curl}: the secret key in
 * the URL identifies the target, no token needed. {@code GET} and {@code POST} both work; a POST
 * body (e.g. the job's output) becomes the target's message, first {@value IngestRoutes#MAX_MESSAGE}
 * characters.
 * <ul>
 *   <li>{@code /ping/{key}}: success;</li>
 *   <li>{@code /ping/{key}/start}: a run started (it must finish within the grace from now; a
 *       start never postpones a nearer deadline, as in Healthchecks);</li>
 *   <li>{@code /ping/{key}/fail}: failure;</li>
 *   <li>{@code /ping/{key}/{exit-code}}: 0 success, 1-255 failure.</li>
 * </ul>
 */
public final class PingRoutes implements HttpService {

    private final LiveState live;

    public PingRoutes(LiveState live) {
        this.live = live;
    }

    @Override
    public void routing(HttpRules rules) {
        for (Method m : new Method[] {Method.GET, Method.POST, Method.HEAD}) {
            rules.route(m, "/ping/{key}", (req, res) -> ping(req, res, Observation.Kind.ALIVE, null));
            rules.route(m, "/ping/{key}/{signal}", this::signal);
        }
    }

    private void signal(ServerRequest req, ServerResponse res) {
        String signal = req.path().pathParameters().get("signal");
        switch (signal) {
            case "start" -> ping(req, res, Observation.Kind.START, null);
            case "fail" -> ping(req, res, Observation.Kind.FAIL, null);
            default -> {
                int code;
                try {
                    code = Integer.parseInt(signal);
                } catch (NumberFormatException e) {
                    throw ApiException.notFound("unknown ping signal '" + signal + "' (use start, fail or an exit code 0-255)");
                }
                if (code < 0 || code > 255) {
                    throw ApiException.badRequest("exit code must be 0-255, got " + code);
                }
                ping(req, res, code == 0 ? Observation.Kind.ALIVE : Observation.Kind.FAIL,
                        code == 0 ? null : "exit code " + code);
            }
        }
    }

    private void ping(ServerRequest req, ServerResponse res, Observation.Kind kind, String fallbackMessage) {
        String key = req.path().pathParameters().get("key");
        String target = live.targetForPingKey(key).orElseThrow(() -> ApiException.notFound("no target has this ping key"));
        String message = fallbackMessage;
        if (req.prologue().method() == Method.POST) {
            byte[] body = Bodies.read(req);
            if (body.length > 0) {
                String text = new String(body, StandardCharsets.UTF_8).strip();
                if (!text.isEmpty()) {
                    message = text.length() > IngestRoutes.MAX_MESSAGE ? text.substring(0, IngestRoutes.MAX_MESSAGE) : text;
                }
            }
        }
        live.observe(target, new Observation(kind, null, message, Double.NaN, null));
        res.header(HeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
        res.send("OK");
    }
}
