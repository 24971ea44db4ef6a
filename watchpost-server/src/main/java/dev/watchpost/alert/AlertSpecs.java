package dev.watchpost.alert;

import dev.watchpost.live.Glob;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.watchpost.config.Durations;
import dev.watchpost.push.CronSchedule;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import static dev.watchpost.config.SpecReader.keys;
import static dev.watchpost.config.SpecReader.object;
import static dev.watchpost.config.SpecReader.optionalText;
import static dev.watchpost.config.SpecReader.requiredText;
import static dev.watchpost.config.SpecReader.texts;

/**
 * Reads channel and rule declarations: the same shape in the config file and in API bodies. Errors
 * are {@link IllegalArgumentException}s whose message starts with where the problem is
 * ({@code channels[1].slack.webhook}); they never repeat a secret's value.
 */
final class AlertSpecs {

    static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
    static final List<String> KINDS = List.of("email", "slack", "discord", "teams", "telegram", "ntfy", "pagerduty", "webhook");
    static final URI TELEGRAM_API = URI.create("https://api.telegram.org");
    static final URI PAGERDUTY_EVENTS = URI.create("https://events.pagerduty.com/v2/enqueue");
    static final Duration DEFAULT_BATCH_EVERY = Duration.ofMinutes(1);
    /** Chat channels' batch window when none is given: a burst of changes is one message. */
    static final Duration DEFAULT_CHAT_BATCH = Duration.ofSeconds(5);
    /** The kinds people read in a chat or on a phone: batched by default. */
    static final Set<String> CHAT_KINDS = Set.of("slack", "discord", "teams", "telegram", "ntfy");

    private static final Set<String> CHANNEL_KEYS = Set.of("id", "rate-limit", "batch", "email", "slack", "discord", "teams",
            "telegram", "ntfy", "pagerduty", "webhook");
    private static final Set<String> RULE_KEYS = Set.of("id", "targets", "tags", "on", "notify", "for", "remind-every",
            "template", "digest", "per", "min-down", "settle");

    /** Per kind: the keys whose values are secrets (redacted in answers, never in messages). */
    private static final Map<String, Set<String>> SECRETS = Map.of(
            "email", Set.of("password"),
            "slack", Set.of("webhook"),
            "discord", Set.of("webhook"),
            "teams", Set.of("webhook"),
            "telegram", Set.of("token"),
            "ntfy", Set.of("token"),
            "pagerduty", Set.of("routing-key"),
            "webhook", Set.of("url", "secret", "headers"));

    private AlertSpecs() {
    }

    // ---------------------------------------------------------------- channels

    static Channel channel(JsonNode spec, String where, String source) {
        object(spec, where);
        keys(spec, where, CHANNEL_KEYS);
        String id = id(spec, where);
        List<String> kinds = KINDS.stream().filter(spec::has).toList();
        if (kinds.size() != 1) {
            throw new IllegalArgumentException(where + ": a channel needs exactly one kind: " + String.join(", ", KINDS)
                    + (kinds.isEmpty() ? "" : " (got " + String.join(", ", kinds) + ")"));
        }
        String kind = kinds.get(0);
        String w = where + "." + kind;
        JsonNode s = spec.get(kind);
        object(s, w);
        Channel.Settings settings = switch (kind) {
            case "email" -> email(s, w);
            case "slack" -> new Channel.Slack(webhookUrl(s, w, "webhook"));
            case "discord" -> new Channel.Discord(webhookUrl(s, w, "webhook"));
            case "teams" -> new Channel.Teams(webhookUrl(s, w, "webhook"));
            case "telegram" -> {
                keys(s, w, Set.of("token", "chat-id", "api-url"));
                String token = requiredText(s, "token", w);
                if (!token.matches("[A-Za-z0-9:_-]+")) {
                    throw new IllegalArgumentException(w + ".token: expected a bot token (digits, ':', letters)");
                }
                yield new Channel.Telegram(optionalUrl(s, "api-url", w).orElse(TELEGRAM_API), token,
                        requiredText(s, "chat-id", w));
            }
            case "ntfy" -> {
                keys(s, w, Set.of("url", "topic", "token"));
                String topic = requiredText(s, "topic", w);
                if (!topic.matches("[A-Za-z0-9_-]{1,64}")) {
                    throw new IllegalArgumentException(w + ".topic: expected 1-64 letters, digits, '_' or '-'");
                }
                // ntfy is often self-hosted: without a url, alerts would leave the machine for the public
                // server unasked, so the server is always named.
                URI server = optionalUrl(s, "url", w).orElseThrow(() -> new IllegalArgumentException(
                        w + ".url: required: the ntfy server to publish to (https://ntfy.sh for the public one)"));
                yield new Channel.Ntfy(server, topic, optionalText(s, "token", w));
            }
            case "pagerduty" -> {
                keys(s, w, Set.of("routing-key", "events-url"));
                yield new Channel.PagerDuty(optionalUrl(s, "events-url", w).orElse(PAGERDUTY_EVENTS),
                        requiredText(s, "routing-key", w));
            }
            default -> webhook(s, w);
        };
        Optional<RateLimit> rate = optionalText(spec, "rate-limit", where).map(t -> {
            try {
                return RateLimit.parse(t);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ".rate-limit: " + e.getMessage());
            }
        });
        Optional<Duration> batch = batch(spec, where, kind);
        ObjectNode canonical = spec.deepCopy();
        return new Channel(id, settings, rate, batch, canonical, source);
    }

    /**
     * A channel's {@code batch:} window: alerts due within it go out as one message. Chat channels
     * (Slack, Discord, Teams, Telegram, ntfy) batch for {@link #DEFAULT_CHAT_BATCH} unless given
     * {@code off}; a webhook only when given a window; e-mail batches its own way (email.batch);
     * PagerDuty never (one event per alert opens and resolves its incident).
     */
    private static Optional<Duration> batch(JsonNode spec, String where, String kind) {
        boolean chat = CHAT_KINDS.contains(kind);
        if (!spec.has("batch")) {
            return chat ? Optional.of(DEFAULT_CHAT_BATCH) : Optional.empty();
        }
        String w = where + ".batch";
        if (kind.equals("email")) {
            throw new IllegalArgumentException(w + ": an e-mail channel batches with email.batch and email.every");
        }
        if (kind.equals("pagerduty")) {
            throw new IllegalArgumentException(w + ": PagerDuty gets one event per alert (each opens or resolves its incident)");
        }
        JsonNode b = spec.get("batch");
        if (b.isBoolean()) {
            return b.booleanValue() ? Optional.of(DEFAULT_CHAT_BATCH) : Optional.empty();
        }
        if (!b.isTextual()) {
            throw new IllegalArgumentException(w + ": expected a window such as 5s, or off");
        }
        String t = b.asText().trim().toLowerCase(java.util.Locale.ROOT);
        if (t.equals("off") || t.equals("false") || t.equals("no")) {
            return Optional.empty();
        }
        if (t.equals("on") || t.equals("true") || t.equals("yes")) {
            return Optional.of(DEFAULT_CHAT_BATCH);
        }
        Duration d = Durations.parse(t).orElseThrow(() -> new IllegalArgumentException(w + ": expected a window such as 5s, or off, got '"
                + b.asText() + "'"));
        if (d.compareTo(Duration.ofSeconds(1)) < 0 || d.compareTo(Duration.ofMinutes(10)) > 0) {
            throw new IllegalArgumentException(w + ": expected between 1s and 10m, or off");
        }
        return Optional.of(d);
    }

    private static Channel.Email email(JsonNode s, String w) {
        keys(s, w, Set.of("host", "port", "tls", "username", "password", "from", "to", "cc", "batch", "every"));
        String host = requiredText(s, "host", w);
        Channel.Tls tls = optionalText(s, "tls", w).map(t -> switch (t.toLowerCase(java.util.Locale.ROOT)) {
            case "starttls" -> Channel.Tls.STARTTLS;
            case "tls", "ssl", "smtps" -> Channel.Tls.TLS;
            case "none", "off", "false" -> Channel.Tls.NONE;
            default -> throw new IllegalArgumentException(w + ".tls: expected starttls, tls or none, got '" + t + "'");
        }).orElse(Channel.Tls.STARTTLS);
        int port = tls == Channel.Tls.TLS ? 465 : tls == Channel.Tls.STARTTLS ? 587 : 25;
        if (s.has("port")) {
            JsonNode p = s.get("port");
            if (!p.canConvertToInt() || p.asInt() < 1 || p.asInt() > 65535) {
                throw new IllegalArgumentException(w + ".port: expected a port number 1-65535, got " + p);
            }
            port = p.asInt();
        }
        Optional<String> user = optionalText(s, "username", w);
        Optional<String> password = optionalText(s, "password", w);
        if (password.isPresent() && user.isEmpty()) {
            throw new IllegalArgumentException(w + ": a password needs a username");
        }
        String from = requiredText(s, "from", w);
        address(from, w + ".from");
        List<String> to = addresses(s, "to", w);
        if (to.isEmpty()) {
            throw new IllegalArgumentException(w + ".to: at least one recipient is needed");
        }
        List<String> cc = addresses(s, "cc", w);
        boolean batch = false;
        if (s.has("batch")) {
            if (!s.get("batch").isBoolean()) {
                throw new IllegalArgumentException(w + ".batch: expected true or false");
            }
            batch = s.get("batch").booleanValue();
        }
        Duration every = optionalText(s, "every", w).map(t -> duration(t, w + ".every")).orElse(DEFAULT_BATCH_EVERY);
        if (every.compareTo(Duration.ofSeconds(1)) < 0 || every.compareTo(Duration.ofDays(1)) > 0) {
            throw new IllegalArgumentException(w + ".every: expected between 1s and 1d");
        }
        return new Channel.Email(host, port, tls, user, password, from, to, cc, batch, every);
    }

    private static Channel.Webhook webhook(JsonNode s, String w) {
        keys(s, w, Set.of("url", "secret", "headers"));
        URI url = webhookUrl(s, w, "url");
        Optional<String> secret = optionalText(s, "secret", w);
        if (secret.isPresent() && secret.get().length() < 16) {
            throw new IllegalArgumentException(w + ".secret: use at least 16 characters");
        }
        Map<String, String> headers = new LinkedHashMap<>();
        if (s.has("headers")) {
            JsonNode h = s.get("headers");
            object(h, w + ".headers");
            for (Iterator<Map.Entry<String, JsonNode>> it = h.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!e.getKey().matches("[A-Za-z0-9-]{1,64}") || !e.getValue().isTextual()
                        || e.getKey().toLowerCase(java.util.Locale.ROOT).startsWith("x-watchpost-")
                        || Set.of("content-type", "content-length", "host").contains(e.getKey().toLowerCase(java.util.Locale.ROOT))) {
                    throw new IllegalArgumentException(w + ".headers." + e.getKey()
                            + ": expected a header name of letters, digits and '-' with a text value (not Content-Type, Host or X-Watchpost-*)");
                }
                try {
                    // What the HTTP client refuses (Connection, Expect, Upgrade; a line break in the value)
                    // would fail every delivery, holding up the channel's alerts for good.
                    java.net.http.HttpRequest.newBuilder(url).header(e.getKey(), e.getValue().asText());
                } catch (IllegalArgumentException refused) {
                    throw new IllegalArgumentException(w + ".headers." + e.getKey()
                            + ": this header cannot be set (the HTTP client sets it, or the value is not a single line)");
                }
                headers.put(e.getKey(), e.getValue().asText());
            }
        }
        return new Channel.Webhook(url, secret, headers);
    }

    /** The declaration with every secret replaced: what the API shows. Webhook URLs keep scheme and host. */
    static ObjectNode redacted(Channel c) {
        ObjectNode copy = c.spec().deepCopy();
        String kind = c.kind();
        JsonNode section = copy.get(kind);
        if (section instanceof ObjectNode o) {
            for (String key : SECRETS.getOrDefault(kind, Set.of())) {
                JsonNode v = o.get(key);
                if (v == null) {
                    continue;
                }
                if (key.equals("webhook") || key.equals("url")) {
                    o.put(key, dev.watchpost.web.Redaction.url(v.asText()));
                } else if (v.isObject()) {
                    ObjectNode hidden = o.objectNode();
                    v.fieldNames().forEachRemaining(n -> hidden.put(n, dev.watchpost.web.Redaction.MASK));
                    o.set(key, hidden);
                } else {
                    o.put(key, dev.watchpost.web.Redaction.MASK);
                }
            }
            // Other URLs (ntfy's server, Telegram's API, PagerDuty's events) are not secret, but
            // credentials written into them (https://user:password@host) are.
            for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                if (f.getValue().isTextual() && f.getValue().asText().contains("@")) {
                    f.setValue(o.textNode(dev.watchpost.web.Redaction.userInfo(f.getValue().asText())));
                }
            }
        }
        return copy;
    }

    // ---------------------------------------------------------------- rules

    static Rule rule(JsonNode spec, String where, String source, String defaultId) {
        object(spec, where);
        keys(spec, where, RULE_KEYS);
        String id = spec.has("id") ? id(spec, where) : defaultId;
        if (id == null) {
            throw new IllegalArgumentException(where + ".id: required");
        }
        List<Glob> targets = new ArrayList<>();
        for (String t : texts(spec, "targets", where)) {
            try {
                targets.add(Glob.of(t));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ".targets: " + e.getMessage());
            }
        }
        Set<String> tags = new java.util.LinkedHashSet<>();
        for (String t : texts(spec, "tags", where)) {
            if (!dev.watchpost.live.TargetDef.TAG.matcher(t).matches()) {
                throw new IllegalArgumentException(where + ".tags: '" + t + "' is not a tag (lower-case letters, digits, '.', '_', '-')");
            }
            tags.add(t);
        }
        Set<Rule.On> on = EnumSet.noneOf(Rule.On.class);
        if (spec.has("on")) {
            for (String o : texts(spec, "on", where)) {
                on.add(switch (o.toLowerCase(java.util.Locale.ROOT)) {
                    case "down" -> Rule.On.DOWN;
                    case "degraded" -> Rule.On.DEGRADED;
                    case "recovered", "recovery", "up" -> Rule.On.RECOVERED;
                    case "availability" -> Rule.On.AVAILABILITY;
                    default -> throw new IllegalArgumentException(where + ".on: unknown transition '" + o
                            + "'; expected down, degraded, recovered or availability");
                });
            }
        } else {
            on.addAll(Rule.DEFAULT_ON);
        }
        List<String> notify = channelIds(spec, "notify", where);
        Duration damping = optionalText(spec, "for", where).map(t -> duration(t, where + ".for")).orElse(Duration.ZERO);
        if (damping.isNegative() || damping.compareTo(Duration.ofDays(1)) > 0) {
            throw new IllegalArgumentException(where + ".for: expected between 0s and 1d");
        }
        Optional<Duration> remind = optionalText(spec, "remind-every", where).map(t -> duration(t, where + ".remind-every"));
        if (remind.isPresent() && remind.get().compareTo(Duration.ofMinutes(1)) < 0) {
            throw new IllegalArgumentException(where + ".remind-every: at least 1m");
        }
        Optional<String> template = optionalText(spec, "template", where);
        template.ifPresent(t -> {
            try {
                Template.check(t);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ".template: " + e.getMessage());
            }
        });
        Optional<Rule.Digest> digest = Optional.empty();
        if (spec.has("digest")) {
            digest = Optional.of(digest(spec.get("digest"), where + ".digest"));
        }
        if (notify.isEmpty() && digest.isEmpty()) {
            throw new IllegalArgumentException(where + ": a rule needs notify (channels for transitions), a digest, or both");
        }
        if (!notify.isEmpty() && on.isEmpty()) {
            throw new IllegalArgumentException(where + ".on: empty; name at least one transition");
        }
        Rule.Per per = optionalText(spec, "per", where).map(p -> switch (p.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "group" -> Rule.Per.GROUP;
            case "target" -> Rule.Per.TARGET;
            default -> throw new IllegalArgumentException(where + ".per: expected group or target, got '" + p + "'");
        }).orElse(Rule.Per.DEFAULT);
        Rule.Threshold minDown = Rule.Threshold.ONE;
        if (spec.has("min-down")) {
            minDown = threshold(spec.get("min-down"), where + ".min-down");
        }
        Duration settle = optionalText(spec, "settle", where).map(t -> duration(t, where + ".settle")).orElse(Rule.DEFAULT_SETTLE);
        if (settle.isNegative() || settle.compareTo(Duration.ofMinutes(10)) > 0) {
            throw new IllegalArgumentException(where + ".settle: expected between 0s and 10m");
        }
        ObjectNode canonical = spec.deepCopy();
        canonical.put("id", id);
        return new Rule(id, targets, tags, on, notify, damping, remind, template, digest, per, minDown, settle, canonical, source);
    }

    /** {@code min-down: 3} or {@code min-down: 10%}. */
    private static Rule.Threshold threshold(JsonNode v, String where) {
        String t = v.isNumber() ? v.asText() : v.isTextual() ? v.asText().trim() : "";
        try {
            if (t.endsWith("%")) {
                double p = Double.parseDouble(t.substring(0, t.length() - 1).trim());
                if (p > 0 && p <= 100) {
                    return new Rule.Threshold(0, p);
                }
            } else if (t.matches("\\d{1,7}")) {
                int n = Integer.parseInt(t);
                if (n >= 1 && n <= dev.watchpost.live.GroupDef.MAX_SHARDS) {
                    return new Rule.Threshold(n, 0);
                }
            }
        } catch (NumberFormatException e) {
            // the message below says what is expected
        }
        throw new IllegalArgumentException(where + ": expected a count of members (3) or a share of them (10%), got '"
                + (v.isValueNode() ? v.asText() : v.toString()) + "'");
    }

    private static Rule.Digest digest(JsonNode d, String w) {
        object(d, w);
        keys(d, w, Set.of("every", "cron", "timezone", "notify"));
        Schedule schedule;
        if (d.has("every") == d.has("cron")) {
            throw new IllegalArgumentException(w + ": give either every (a duration) or cron (an expression)");
        }
        if (d.has("every")) {
            try {
                schedule = new Schedule.Every(duration(requiredText(d, "every", w), w + ".every"));
            } catch (IllegalArgumentException e) {
                throw e.getMessage().startsWith(w) ? e : new IllegalArgumentException(w + ".every: " + e.getMessage());
            }
        } else {
            ZoneId zone;
            try {
                zone = optionalText(d, "timezone", w).map(ZoneId::of).orElse(ZoneOffset.UTC);
            } catch (DateTimeException e) {
                throw new IllegalArgumentException(w + ".timezone: unknown time zone");
            }
            try {
                schedule = new Schedule.Cron(CronSchedule.parse(requiredText(d, "cron", w), zone));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(w + ".cron: " + e.getMessage());
            }
        }
        List<String> notify = channelIds(d, "notify", w);
        if (notify.isEmpty()) {
            throw new IllegalArgumentException(w + ".notify: at least one channel");
        }
        return new Rule.Digest(schedule, notify);
    }

    // ---------------------------------------------------------------- helpers

    private static String id(JsonNode spec, String where) {
        String id = requiredText(spec, "id", where);
        if (!ID.matcher(id).matches()) {
            throw new IllegalArgumentException(where + ".id: '" + id
                    + "' must be 1-64 lower-case letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        return id;
    }

    private static List<String> channelIds(JsonNode spec, String key, String where) {
        List<String> ids = texts(spec, key, where);
        for (String c : ids) {
            if (!ID.matcher(c).matches()) {
                throw new IllegalArgumentException(where + "." + key + ": '" + c + "' is not a channel id");
            }
        }
        return ids.stream().distinct().toList();
    }

    private static List<String> addresses(JsonNode n, String key, String where) {
        List<String> out = texts(n, key, where);
        for (String a : out) {
            address(a, where + "." + key);
        }
        return out;
    }

    private static void address(String a, String where) {
        try {
            new InternetAddress(a, true).validate();
        } catch (AddressException e) {
            throw new IllegalArgumentException(where + ": '" + a + "' is not an e-mail address");
        }
    }

    static Duration duration(String text, String where) {
        return Durations.parse(text).orElseThrow(() -> new IllegalArgumentException(where + ": expected " + Durations.ALLOWED
                + ", got '" + text + "'"));
    }

    /** A receiver's URL that may hold a token: the error never repeats it. */
    private static URI webhookUrl(JsonNode s, String w, String key) {
        if (!key.equals("url")) {
            keys(s, w, Set.of(key));
        }
        return optionalUrl(s, key, w).orElseThrow(() -> new IllegalArgumentException(w + "." + key + ": required"));
    }

    private static Optional<URI> optionalUrl(JsonNode s, String key, String w) {
        Optional<String> v = optionalText(s, key, w);
        if (v.isEmpty()) {
            return Optional.empty();
        }
        try {
            URI u = new URI(v.get());
            if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme())) || u.getHost() == null
                    || u.getRawFragment() != null) {
                throw new URISyntaxException("", "");
            }
            if (u.getPort() != -1 && (u.getPort() < 1 || u.getPort() > 65535)) {
                throw new IllegalArgumentException(w + "." + key + ": the port must be 1-65535");
            }
            return Optional.of(u);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(w + "." + key + ": expected an absolute http:// or https:// URL");
        }
    }

    static ObjectNode newObject() {
        return JsonNodeFactory.instance.objectNode();
    }
}
