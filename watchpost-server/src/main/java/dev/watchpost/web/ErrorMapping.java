package dev.watchpost.web;

import dev.watchpost.store.StoreException;
import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.ServerResponseHeaders;
import io.helidon.http.Status;
import io.helidon.webserver.http.DirectHandlers;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The one place where failures become HTTP answers. Every 4xx and 5xx, whether raised by a handler
 * or by the server itself (malformed request, body too large), is JSON: {@code {"error": "..."}}.
 */
final class ErrorMapping {

    private static final Logger LOG = LoggerFactory.getLogger(ErrorMapping.class);

    private ErrorMapping() {
    }

    static void register(HttpRouting.Builder routing, long maxBodyBytes) {
        routing.error(ApiException.class, (req, res, e) -> send(res, e.status(), e.body()));
        routing.error(StoreException.class, (req, res, e) -> {
            if (e.unavailable()) {
                // An outage is logged once by the store; one line per request would flood the log.
                LOG.debug("event=http.store_unavailable method={} path={}", req.prologue().method().text(),
                        Redaction.path(req.path().path()));
                res.header(HeaderNames.RETRY_AFTER, "5");
            } else {
                LOG.error("event=http.store_error method={} path={} error=\"{}\"", req.prologue().method().text(),
                        Redaction.path(req.path().path()), e.getMessage());
            }
            send(res, Status.SERVICE_UNAVAILABLE_503, Map.of("error", "the database is not available; try again shortly"));
        });
        routing.error(Throwable.class, (req, res, e) -> {
            if (e instanceof io.helidon.http.RequestException re
                    && (re.eventType() == DirectHandler.EventType.PAYLOAD_TOO_LARGE
                    || re.status().code() == Status.REQUEST_ENTITY_TOO_LARGE_413.code())) {
                send(res, Status.REQUEST_ENTITY_TOO_LARGE_413, tooLarge(maxBodyBytes));
                return;
            }
            if (clientGone(e)) {
                // The client closed the connection before its body ended: nobody's fault here, and a
                // stack trace per dropped connection would let anyone flood the log.
                LOG.debug("event=http.client_gone method={} path={}", req.prologue().method().text(), Redaction.path(req.path().path()));
                try {
                    send(res, Status.BAD_REQUEST_400, Map.of("error", "the request body ended before its declared length"));
                } catch (RuntimeException gone) {
                    // nobody is listening any more
                }
                return;
            }
            String id = UUID.randomUUID().toString();
            LOG.error("event=http.internal_error id={} method={} path={}", id, req.prologue().method().text(),
                    Redaction.path(req.path().path()), e);
            send(res, Status.INTERNAL_SERVER_ERROR_500, Map.of("error", "internal error", "id", id));
        });
    }

    /** Whether {@code e} comes from a connection the client closed while its request was read. */
    static boolean clientGone(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof io.helidon.common.buffers.DataReader.InsufficientDataAvailableException
                    || t instanceof java.net.SocketException) {
                return true;
            }
        }
        return false;
    }

    static Map<String, Object> tooLarge(long maxBodyBytes) {
        return Bodies.tooLarge(maxBodyBytes).body();
    }

    private static void send(ServerResponse res, Status status, Map<String, Object> body) {
        if (res.isSent()) {
            return;
        }
        Json.send(res, status, body);
    }

    /** Answers for requests that never reached routing (malformed HTTP, payload too large). */
    static DirectHandlers directHandlers(long maxBodyBytes) {
        DirectHandler json = new DirectHandler() {
            @Override
            public TransportResponse handle(TransportRequest request, EventType eventType, Status status,
                                            ServerResponseHeaders headers, String message) {
                boolean tooLarge = eventType == EventType.PAYLOAD_TOO_LARGE
                        || status.code() == Status.REQUEST_ENTITY_TOO_LARGE_413.code();
                Status effective = tooLarge ? Status.REQUEST_ENTITY_TOO_LARGE_413 : status;
                Map<String, Object> body = tooLarge ? tooLarge(maxBodyBytes) : Map.of("error", switch (eventType) {
                    case BAD_REQUEST -> "malformed request" + (message == null || message.isBlank() ? "" : ": " + message);
                    case FORBIDDEN -> "forbidden";
                    case HTTP_VERSION_NOT_SUPPORTED -> "HTTP version not supported";
                    default -> status.code() >= 500 ? "internal error" : status.reasonPhrase();
                });
                TransportResponse.Builder b = TransportResponse.builder()
                        .status(effective)
                        .headers(headers)
                        .header(HeaderNames.CONTENT_TYPE, "application/json")
                        .entity(Json.bytes(body));
                SecurityHeaders.ALL.forEach(b::header);
                return b.build();
            }
        };
        DirectHandlers.Builder b = DirectHandlers.builder();
        for (DirectHandler.EventType t : DirectHandler.EventType.values()) {
            b.addHandler(t, json);
        }
        return b.build();
    }
}
