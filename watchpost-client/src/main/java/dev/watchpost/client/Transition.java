package dev.watchpost.client;

/** A target changed state, as the live stream tells it; {@code at} is ISO-8601 UTC. */
public record Transition(String target, State from, State to, String severity, String at, String reason) {

    static Transition of(java.util.Map<String, Object> t) {
        return new Transition(Json.text(t.get("target")), State.of(Json.text(t.get("from"))), State.of(Json.text(t.get("to"))),
                Json.text(t.get("severity")), Json.text(t.get("at")), Json.text(t.get("reason")));
    }
}
