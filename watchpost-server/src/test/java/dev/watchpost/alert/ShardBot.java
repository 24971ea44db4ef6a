package dev.watchpost.alert;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * A stand-in for a sharded Discord bot's process, run as a child JVM by {@link BotOutageTest}: it
 * reports every shard of its group online, all in one batch, every {@code every-ms} until it is
 * killed. Arguments: base URL, ingest token, group id, shard count, every-ms.
 */
public final class ShardBot {

    private ShardBot() {
    }

    public static void main(String[] args) throws Exception {
        URI url = URI.create(args[0] + "/api/v1/heartbeats");
        String token = args[1];
        String group = args[2];
        int shards = Integer.parseInt(args[3]);
        long every = Long.parseLong(args[4]);
        StringBuilder body = new StringBuilder("[");
        for (int i = 0; i < shards; i++) {
            body.append(i == 0 ? "" : ",").append("{\"target\":\"").append(group).append('/').append(i)
                    .append("\",\"state\":\"online\"}");
        }
        body.append(']');
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest request = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(5))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
        boolean first = true;
        while (true) {
            try {
                HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
                if (first || r.statusCode() != 200) {
                    System.out.println("heartbeats: " + r.statusCode() + " " + r.body());
                    first = false;
                }
            } catch (java.io.IOException e) {
                System.out.println("heartbeats failed: " + e);
            }
            Thread.sleep(every);
        }
    }
}
