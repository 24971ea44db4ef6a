package dev.watchpost.bench;

import io.helidon.http.Status;
import io.helidon.webserver.WebServer;

/**
 * The baseline for the ingest benchmark: a Helidon SE server, configured like Watchpost's, whose
 * heartbeat route reads the body and answers 204 — no auth, no parsing, no state. Watchpost's
 * figure is quoted as a fraction of this one's, measured in the same run.
 */
public final class BareServer {

    private BareServer() {
    }

    public static void main(String[] args) throws InterruptedException {
        int port = Integer.parseInt(args.length > 0 ? args[0] : "18081");
        WebServer server = WebServer.builder()
                .host("127.0.0.1")
                .port(port)
                .maxPayloadSize(256 * 1024)
                .routing(r -> r.post("/api/v1/heartbeat/{+id}", (req, res) -> {
                    req.content().as(byte[].class);
                    res.status(Status.NO_CONTENT_204).send();
                }))
                .build()
                .start();
        System.err.println("bare server on " + server.port());
        Thread.currentThread().join();
    }
}
