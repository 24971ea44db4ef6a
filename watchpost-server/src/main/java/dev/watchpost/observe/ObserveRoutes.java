package dev.watchpost.observe;

import dev.watchpost.auth.Access;
import dev.watchpost.web.Json;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * {@code /healthz} (the process answers: always open), {@code /readyz} (the store answers: always
 * open, 503 otherwise) and {@code /metrics} (Prometheus text; a read route).
 */
public final class ObserveRoutes implements HttpService {

    private final BooleanSupplier storeReady;
    private final PrometheusMeterRegistry registry;
    private final Access access;

    public ObserveRoutes(BooleanSupplier storeReady, PrometheusMeterRegistry registry, Access access) {
        this.storeReady = storeReady;
        this.registry = registry;
        this.access = access;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/healthz", (req, res) -> {
            res.header(HeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
            res.send("ok");
        });
        rules.get("/readyz", (req, res) -> {
            boolean store = storeReady.getAsBoolean();
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("ready", store);
            body.put("store", store ? "ok" : "unavailable");
            if (!store) {
                body.put("error", "the database does not answer");
            }
            Json.send(res, store ? Status.OK_200 : Status.SERVICE_UNAVAILABLE_503, body);
        });
        rules.get("/metrics", access.read((req, res) -> {
            res.header(HeaderNames.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
            res.send(registry.scrape());
        }));
    }
}
