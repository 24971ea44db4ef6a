package dev.watchpost.alert;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.watchpost.config.Durations;
import dev.watchpost.live.State;
import dev.watchpost.web.Json;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every webhook-style channel: Slack, Discord, Microsoft Teams, Telegram, ntfy, PagerDuty and the
 * generic webhook. Each request is a JSON POST with {@code X-Watchpost-Delivery}, the idempotency
 * key that stays the same when a request is retried. Bodies are built with Jackson, so values are
 * always JSON-escaped; chat markup inside them is escaped per format ({@link Template}).
 */
final class HttpSender implements Sender {

    static final String DELIVERY_HEADER = "X-Watchpost-Delivery";
    static final String SIGNATURE_HEADER = "X-Watchpost-Signature";
    static final String EVENT_HEADER = "X-Watchpost-Event";
    /** Discord refuses longer messages. */
    static final int DISCORD_MAX = 2000;
    /** Telegram refuses longer messages. */
    static final int TELEGRAM_MAX = 4096;

    /** One request to make. */
    record Request(URI url, byte[] body, Map<String, String> headers) {
    }

    private final Channel channel;
    private final HttpClient http;
    private final Duration timeout;

    HttpSender(Channel channel, HttpClient http, Duration timeout) {
        this.channel = channel;
        this.http = http;
        this.timeout = timeout;
    }

    @Override
    public Alert.Attempt send(Delivery d, Instant at) throws InterruptedException {
        List<Request> requests = requests(channel, d);
        Alert.Attempt last = null;
        for (int i = 0; i < requests.size(); i++) {
            // several requests (PagerDuty events of a summary): each its own key, the same on a retry
            last = post(requests.get(i), requests.size() == 1 ? d.key() : d.key() + "/" + (i + 1), at);
            if (!last.delivered()) {
                break;
            }
        }
        return new Alert.Attempt(at, d.key(), last.statusCode(), last.error());
    }

    private Alert.Attempt post(Request r, String key, Instant at) throws InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(r.url())
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .header("User-Agent", "Watchpost")
                .header(DELIVERY_HEADER, key)
                .POST(HttpRequest.BodyPublishers.ofByteArray(r.body()));
        r.headers().forEach(b::header);
        String host = r.url().getHost();
        try {
            HttpResponse<String> res = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            if (res.statusCode() / 100 == 2) {
                return new Alert.Attempt(at, key, Optional.of(res.statusCode()), Optional.empty());
            }
            String body = res.body() == null ? "" : res.body().strip();
            // the receiver's own words help ("invalid_token", "channel_not_found"); bounded, one line
            body = body.replaceAll("\\s+", " ");
            return new Alert.Attempt(at, key, Optional.of(res.statusCode()), Optional.of("HTTP " + res.statusCode() + " from "
                    + host + (body.isEmpty() ? "" : ": " + (body.length() > 200 ? body.substring(0, 200) + "…" : body))));
        } catch (HttpTimeoutException e) {
            return failed(at, key, "no answer from " + host + " within " + Durations.format(timeout));
        } catch (ConnectException e) {
            return failed(at, key, "cannot connect to " + host);
        } catch (IOException e) {
            return failed(at, key, "request to " + host + " failed: " + e.getClass().getSimpleName());
        }
    }

    private static Alert.Attempt failed(Instant at, String key, String why) {
        return new Alert.Attempt(at, key, Optional.empty(), Optional.of(why));
    }

    // ---------------------------------------------------------------- bodies, per kind

    /** The requests a delivery makes (PagerDuty: one event per alert; the others: one message). */
    static List<Request> requests(Channel c, Delivery d) {
        Texts.Context ctx = d.ctx();
        return switch (c.settings()) {
            case Channel.Slack s -> List.of(new Request(s.webhook(), slack(d), Map.of()));
            case Channel.Discord s -> List.of(new Request(s.webhook(), discord(d), Map.of()));
            case Channel.Teams s -> List.of(new Request(s.webhook(), teams(d), Map.of()));
            case Channel.Telegram s -> List.of(new Request(URI.create(strip(s.apiUrl().toString()) + "/bot" + s.token()
                    + "/sendMessage"), telegram(s, d), Map.of()));
            case Channel.Ntfy s -> List.of(new Request(s.url(), ntfy(s, d),
                    s.token().map(t -> Map.of("Authorization", "Bearer " + t)).orElse(Map.of())));
            case Channel.PagerDuty s -> {
                List<Request> out = new ArrayList<>();
                for (Alert a : d.alerts()) {
                    out.add(new Request(s.eventsUrl(), pagerDuty(s, a, ctx), Map.of()));
                    if (a.event() == Event.TEST) {
                        // a test opens and closes its own incident: nobody is paged for long
                        out.add(new Request(s.eventsUrl(), pagerDutyResolve(s, a), Map.of()));
                    }
                }
                yield out;
            }
            case Channel.Webhook s -> {
                byte[] body = webhook(d);
                Map<String, String> headers = new LinkedHashMap<>(s.headers());
                headers.put(EVENT_HEADER, d.summary() ? "summary" : d.first().event().id());
                s.secret().ifPresent(secret -> headers.put(SIGNATURE_HEADER, "sha256=" + hmacSha256(secret, body)));
                yield List.of(new Request(s.url(), body, headers));
            }
            case Channel.Email e -> throw new IllegalArgumentException("e-mail is not sent over HTTP");
        };
    }

    private static String strip(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    /** A title line and the alert's line(s), escaped with {@code escape}; several alerts as a summary. */
    static String text(Delivery d, java.util.function.UnaryOperator<String> escape, String bold, boolean withUrl) {
        Texts.Context ctx = d.ctx();
        if (d.summary()) {
            String title = "Watchpost: " + Texts.summaryTitle(d.alerts(), ctx);
            return bold + escape.apply(title) + bold + "\n" + Texts.summary(d.alerts(), ctx, escape, false)
                    + Texts.pageUrl(ctx).filter(u -> withUrl).map(u -> "\n" + u).orElse("");
        }
        Alert a = d.first();
        return bold + escape.apply(Texts.title(a, ctx)) + bold + "\n" + Texts.line(a, ctx, escape)
                + Texts.url(a, ctx).filter(u -> withUrl).map(u -> "\n" + u).orElse("");
    }

    static byte[] slack(Delivery d) {
        String text = text(d, Template.SLACK, "*", false);
        Optional<String> url = d.summary() ? Texts.pageUrl(d.ctx()) : Texts.url(d.first(), d.ctx());
        String full = text + url.map(u -> "\n<" + u + "|Open on the status page>").orElse("");
        return Json.bytes((JsonGenerator g) -> {
            g.writeStartObject();
            g.writeStringField("text", full);
            g.writeEndObject();
        });
    }

    static byte[] discord(Delivery d) {
        String text = text(d, Template.DISCORD, "**", true);
        String content = text.length() > DISCORD_MAX ? text.substring(0, DISCORD_MAX - 1) + "…" : text;
        return Json.bytes((JsonGenerator g) -> {
            g.writeStartObject();
            g.writeStringField("content", content);
            g.writeObjectFieldStart("allowed_mentions"); // a target's text never pings @everyone
            g.writeArrayFieldStart("parse");
            g.writeEndArray();
            g.writeEndObject();
            g.writeEndObject();
        });
    }

    /** A Workflows webhook takes a message with an Adaptive Card attachment. */
    static byte[] teams(Delivery d) {
        Texts.Context ctx = d.ctx();
        String title = d.summary() ? "Watchpost: " + Texts.summaryTitle(d.alerts(), ctx) : Texts.title(d.first(), ctx);
        String body = d.summary() ? Texts.summary(d.alerts(), ctx, Template.PLAIN, false) : Texts.line(d.first(), ctx, Template.PLAIN);
        Optional<String> url = d.summary() ? Texts.pageUrl(ctx) : Texts.url(d.first(), ctx);
        boolean bad = d.alerts().stream().anyMatch(a -> a.event().bad());
        return Json.bytes((JsonGenerator g) -> {
            g.writeStartObject();
            g.writeStringField("type", "message");
            g.writeArrayFieldStart("attachments");
            g.writeStartObject();
            g.writeStringField("contentType", "application/vnd.microsoft.card.adaptive");
            g.writeNullField("contentUrl");
            g.writeObjectFieldStart("content");
            g.writeStringField("$schema", "http://adaptivecards.io/schemas/adaptive-card.json");
            g.writeStringField("type", "AdaptiveCard");
            g.writeStringField("version", "1.4");
            g.writeArrayFieldStart("body");
            g.writeStartObject();
            g.writeStringField("type", "TextBlock");
            g.writeStringField("text", title);
            g.writeStringField("weight", "Bolder");
            g.writeStringField("size", "Medium");
            g.writeStringField("color", bad ? "Attention" : "Good");
            g.writeBooleanField("wrap", true);
            g.writeEndObject();
            g.writeStartObject();
            g.writeStringField("type", "TextBlock");
            g.writeStringField("text", body);
            g.writeBooleanField("wrap", true);
            g.writeEndObject();
            g.writeEndArray();
            if (url.isPresent()) {
                g.writeArrayFieldStart("actions");
                g.writeStartObject();
                g.writeStringField("type", "Action.OpenUrl");
                g.writeStringField("title", "Open on the status page");
                g.writeStringField("url", url.get());
                g.writeEndObject();
                g.writeEndArray();
            }
            g.writeEndObject();
            g.writeEndObject();
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    /** Plain text (no parse_mode), so nothing in a target's text is taken as markup. */
    static byte[] telegram(Channel.Telegram t, Delivery d) {
        String text = text(d, Template.PLAIN, "", true);
        String content = text.length() > TELEGRAM_MAX ? text.substring(0, TELEGRAM_MAX - 1) + "…" : text;
        return Json.bytes((JsonGenerator g) -> {
            g.writeStartObject();
            g.writeStringField("chat_id", t.chatId());
            g.writeStringField("text", content);
            g.writeBooleanField("disable_web_page_preview", true);
            g.writeEndObject();
        });
    }

    /** ntfy's JSON publishing (to the server's root URL), so titles need no header encoding. */
    static byte[] ntfy(Channel.Ntfy n, Delivery d) {
        Texts.Context ctx = d.ctx();
        boolean bad = d.alerts().stream().anyMatch(a -> a.event().loud());
        String title = d.summary() ? "Watchpost: " + Texts.summaryTitle(d.alerts(), ctx) : Texts.title(d.first(), ctx);
        String message = d.summary() ? Texts.summary(d.alerts(), ctx, Template.PLAIN, false) : Texts.line(d.first(), ctx, Template.PLAIN);
        Optional<String> url = d.summary() ? Texts.pageUrl(ctx) : Texts.url(d.first(), ctx);
        return Json.bytes((JsonGenerator g) -> {
            g.writeStartObject();
            g.writeStringField("topic", n.topic());
            g.writeStringField("title", title);
            g.writeStringField("message", message);
            g.writeNumberField("priority", bad ? 4 : 3);
            g.writeArrayFieldStart("tags");
            g.writeString(bad ? "rotating_light" : "white_check_mark");
            g.writeEndArray();
            if (url.isPresent()) {
                g.writeStringField("click", url.get());
            }
            g.writeEndObject();
        });
    }

    /**
     * One target, one incident: the dedup key is stable per target, so a recovery resolves what its
     * problem triggered. A group's is {@code watchpost/group:<id>} (no id has a ':'): its follow-ups
     * and reminders update, and its recovery resolves, the one incident of the outage.
     */
    static String dedupKey(Alert a) {
        String base = "watchpost/" + (a.group() ? "group:" : "") + a.targetId().orElse("test/" + a.channelId());
        return a.event() == Event.UNAVAILABLE || a.event() == Event.AVAILABLE ? base + "/availability" : base;
    }

    static byte[] pagerDuty(Channel.PagerDuty p, Alert a, Texts.Context ctx) {
        boolean resolve = a.event() == Event.RECOVERED || a.event() == Event.AVAILABLE;
        String summary = Texts.title(a, ctx) + ": " + Texts.line(a, ctx, Template.PLAIN);
        return Json.bytes((JsonGenerator g) -> {
            g.writeStartObject();
            g.writeStringField("routing_key", p.routingKey());
            g.writeStringField("event_action", resolve ? "resolve" : "trigger");
            g.writeStringField("dedup_key", dedupKey(a));
            if (!resolve) {
                g.writeObjectFieldStart("payload");
                g.writeStringField("summary", summary.length() > 1024 ? summary.substring(0, 1023) + "…" : summary);
                g.writeStringField("source", a.targetId().orElse("watchpost"));
                g.writeStringField("severity", severity(a));
                g.writeStringField("timestamp", a.at().toString());
                g.writeStringField("component", a.targetId().orElse("watchpost"));
                g.writeObjectFieldStart("custom_details");
                g.writeStringField("event", a.event().id());
                g.writeStringField("state", a.to().map(State::id).orElse(""));
                g.writeStringField("previous_state", a.from().map(State::id).orElse(""));
                g.writeStringField("reason", a.reason());
                if (a.group()) {
                    Texts.GroupBody body = Texts.group(a);
                    g.writeStringField("group", body.id());
                    g.writeNumberField("count", body.count());
                    g.writeNumberField("total", body.total());
                    g.writeStringField("members", body.listed());
                }
                g.writeEndObject();
                g.writeEndObject();
                Optional<String> url = Texts.url(a, ctx);
                if (url.isPresent()) {
                    g.writeArrayFieldStart("links");
                    g.writeStartObject();
                    g.writeStringField("href", url.get());
                    g.writeStringField("text", "Status page");
                    g.writeEndObject();
                    g.writeEndArray();
                }
            }
            g.writeEndObject();
        });
    }

    static byte[] pagerDutyResolve(Channel.PagerDuty p, Alert a) {
        return Json.bytes((JsonGenerator g) -> {
            g.writeStartObject();
            g.writeStringField("routing_key", p.routingKey());
            g.writeStringField("event_action", "resolve");
            g.writeStringField("dedup_key", dedupKey(a));
            g.writeEndObject();
        });
    }

    private static String severity(Alert a) {
        if (a.event() == Event.DEGRADED || a.event() == Event.TEST) {
            return a.event() == Event.TEST ? "info" : "warning";
        }
        return a.to().map(s -> s.severity() == dev.watchpost.live.Severity.WARN ? "warning" : "critical").orElse("critical");
    }

    /**
     * The generic webhook's body (documented in docs/alerts.md): one alert as an object; a summary as
     * {@code {"delivery","event":"summary","text","alerts":[...]}}.
     */
    static byte[] webhook(Delivery d) {
        Texts.Context ctx = d.ctx();
        return Json.bytes((JsonGenerator g) -> {
            g.writeStartObject();
            g.writeStringField("delivery", d.key());
            if (d.summary()) {
                g.writeStringField("event", "summary");
                g.writeStringField("text", Texts.summary(d.alerts(), ctx, Template.PLAIN, false));
                g.writeStringField("sent_at", ctx.now().toString());
                g.writeArrayFieldStart("alerts");
                for (Alert a : d.alerts()) {
                    g.writeStartObject();
                    alertFields(g, a, ctx);
                    g.writeEndObject();
                }
                g.writeEndArray();
            } else {
                alertFields(g, d.first(), ctx);
                g.writeStringField("sent_at", ctx.now().toString());
            }
            g.writeEndObject();
        });
    }

    private static void alertFields(JsonGenerator g, Alert a, Texts.Context ctx) throws IOException {
        g.writeNumberField("id", a.id());
        g.writeStringField("event", a.event().id());
        g.writeStringField("rule", a.ruleId());
        g.writeStringField("channel", a.channelId());
        if (a.group()) {
            g.writeNullField("target");
            groupFields(g, a, ctx);
        } else if (a.event().location()) {
            g.writeNullField("target");
            locationFields(g, a, ctx);
        } else if (a.targetId().isPresent()) {
            g.writeObjectFieldStart("target");
            g.writeStringField("id", a.targetId().get());
            g.writeStringField("name", Texts.name(a, ctx));
            Optional<String> url = Texts.url(a, ctx);
            if (url.isPresent()) {
                g.writeStringField("url", url.get());
            }
            g.writeEndObject();
        } else {
            g.writeNullField("target");
        }
        g.writeStringField("state", a.to().map(State::id).orElse(null));
        g.writeStringField("previous_state", a.from().map(State::id).orElse(null));
        g.writeStringField("since", a.at().toString());
        g.writeStringField("reason", a.reason());
        g.writeStringField("title", Texts.title(a, ctx));
        g.writeStringField("text", Texts.line(a, ctx, Template.PLAIN));
        if (a.event() == Event.DIGEST) {
            g.writeArrayFieldStart("down");
            for (Texts.Down down : Texts.digest(a)) {
                g.writeStartObject();
                g.writeStringField("id", down.id());
                g.writeStringField("name", down.name());
                g.writeStringField("state", down.state());
                g.writeStringField("since", down.since().toString());
                g.writeStringField("reason", down.reason());
                g.writeEndObject();
            }
            g.writeEndArray();
        }
    }

    /**
     * A location alert's location: {@code "location": {"name", "targets" (how many are checked from
     * it), "url" (the status page), "lost_since" (a return: when it was last heard before it was lost)}}.
     */
    private static void locationFields(JsonGenerator g, Alert a, Texts.Context ctx) throws IOException {
        Texts.LocationBody b = Texts.location(a);
        g.writeObjectFieldStart("location");
        g.writeStringField("name", b.location());
        g.writeNumberField("targets", b.targets());
        Optional<String> url = Texts.url(a, ctx);
        if (url.isPresent()) {
            g.writeStringField("url", url.get());
        }
        if (b.lostSince().isPresent()) {
            g.writeStringField("lost_since", b.lostSince().get().toString());
        }
        g.writeEndObject();
    }

    /**
     * A group alert's group: {@code "group": {"id", "name", "url", "sharded", "total", "count",
     * "shards" (sharded: the numbers as ranges), "members": [{"id", "name", "state"}, …] (the first 50),
     * "ok", "degraded", "down", "maintenance", "unknown"}}; {@code count} members are what it is about.
     */
    private static void groupFields(JsonGenerator g, Alert a, Texts.Context ctx) throws IOException {
        Texts.GroupBody b = Texts.group(a);
        g.writeObjectFieldStart("group");
        g.writeStringField("id", b.id());
        g.writeStringField("name", b.name());
        Optional<String> url = Texts.url(a, ctx);
        if (url.isPresent()) {
            g.writeStringField("url", url.get());
        }
        g.writeBooleanField("sharded", b.sharded());
        g.writeNumberField("total", b.total());
        g.writeNumberField("count", b.count());
        if (b.shards().isPresent()) {
            g.writeStringField("shards", b.shards().get());
        }
        g.writeArrayFieldStart("members");
        for (Texts.Member m : b.members()) {
            g.writeStartObject();
            g.writeStringField("id", m.id());
            g.writeStringField("name", m.name());
            g.writeStringField("state", m.state());
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeNumberField("ok", b.ok());
        g.writeNumberField("degraded", b.degraded());
        g.writeNumberField("down", b.down());
        g.writeNumberField("maintenance", b.maintenance());
        g.writeNumberField("unknown", b.unknown());
        g.writeEndObject();
    }

    /** Lower-case hex HMAC-SHA256 of {@code body} with {@code secret}: {@code X-Watchpost-Signature: sha256=<hex>}. */
    static String hmacSha256(String secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
