package dev.watchpost.reload;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.watchpost.config.WatchpostConfig;
import dev.watchpost.web.Json;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code watchpost check}'s question to the server running beside it: what would a reload of this
 * file change? Sends the file's declarations (groups, targets, channels, rules) to {@code POST
 * /api/v1/config/check} on the port the file names, with its admin token, and words the answer.
 * Over loopback only: the declarations carry their secrets, as the file does.
 */
public final class RunningServer {

    static final Duration TIMEOUT = Duration.ofSeconds(3);

    private RunningServer() {
    }

    /** One line: what a reload would change, or why it could not be asked. */
    public static String compare(WatchpostConfig config) {
        if (config.auth().adminTokens().isEmpty()) {
            return "not compared with a running server: no admin token (WATCHPOST_ADMIN_TOKEN) to ask it with";
        }
        int port = config.server().port();
        if (port == 0) {
            return "not compared with a running server: the file names no port (0)";
        }
        URI uri = URI.create("http://127.0.0.1:" + port + "/api/v1/config/check");
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.putArray("groups").addAll(config.declarations().groups());
        body.putArray("targets").addAll(config.declarations().targets());
        body.putArray("channels").addAll(config.alerts().channels());
        body.putArray("rules").addAll(config.alerts().rules());
        HttpResponse<String> res;
        try {
            HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
            res = http.send(HttpRequest.newBuilder(uri).timeout(TIMEOUT)
                    .header("Authorization", "Bearer " + config.auth().adminTokens().get(0))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(Json.bytes(body))).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            return "not compared with a running server: none answered at http://127.0.0.1:" + port;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "not compared with a running server: interrupted";
        }
        try {
            JsonNode answer = Json.MAPPER.readTree(res.body());
            return switch (res.statusCode()) {
                case 200 -> describe(answer.path("changes"));
                case 422 -> "the running server would refuse it: " + answer.path("error").asText();
                case 401, 403 -> "not compared with a running server: it refused the admin token (" + res.statusCode() + ")";
                default -> "not compared with the server at http://127.0.0.1:" + port + ": it answered " + res.statusCode();
            };
        } catch (IOException e) {
            return "not compared with the server at http://127.0.0.1:" + port + ": its answer is not JSON (another program?)";
        }
    }

    /** "a reload would add targets [jobs/backup]; change targets [web/shop]; remove alerts [channel:night]". */
    static String describe(JsonNode changes) {
        List<String> parts = new ArrayList<>();
        for (String verb : List.of("added", "changed", "removed")) {
            List<String> kinds = new ArrayList<>();
            for (String kind : List.of("groups", "targets", "alerts")) {
                List<String> ids = new ArrayList<>();
                changes.path(kind + "_" + verb).forEach(id -> ids.add(id.asText()));
                if (!ids.isEmpty()) {
                    kinds.add(kind + " " + ids);
                }
            }
            if (!kinds.isEmpty()) {
                parts.add(switch (verb) {
                    case "added" -> "add ";
                    case "changed" -> "change ";
                    default -> "remove ";
                } + String.join(", ", kinds));
            }
        }
        return parts.isEmpty() ? "a reload would change nothing on the running server"
                : "a reload would " + String.join("; ", parts);
    }
}
