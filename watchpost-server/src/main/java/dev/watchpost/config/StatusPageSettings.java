package dev.watchpost.config;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Reads the {@code status-page:} section of the config file into {@link WatchpostConfig.StatusPage}.
 * Every value is checked here, once; a bad one stops loading with one line naming the key
 * ({@code status-page.footer[1].url}), the value and what is allowed. Image files are read now, so a
 * missing or unreadable logo is found by {@code watchpost check} rather than by a viewer.
 *
 * <p>Images are local files on purpose: Watchpost serves them itself, so viewers' browsers never ask
 * another site (which would tell it who looks at the page, and which the page's
 * Content-Security-Policy forbids anyway).
 */
final class StatusPageSettings {

    static final String SECTION = "status-page";
    static final Set<String> KEYS = Set.of("name", "title", "logo", "favicon", "footer", "accent", "banner",
            "search-engines", "time-zone");
    static final int MAX_NAME = 80;
    static final int MAX_TITLE = 120;
    static final int MAX_LINKS = 20;
    static final int MAX_LINK_TEXT = 80;
    static final int MAX_URL = 2_000;
    static final int MAX_SELECTORS = 200;
    static final long MAX_LOGO_BYTES = 1024 * 1024;
    static final long MAX_FAVICON_BYTES = 256 * 1024;
    static final Pattern COLOUR = Pattern.compile("#[0-9a-fA-F]{6}");

    private final Path base;
    private final String source;

    /**
     * @param base   the config file's directory: relative image paths are read from there
     * @param source the config file's name, for messages
     */
    private StatusPageSettings(Path base, String source) {
        this.base = base;
        this.source = source;
    }

    static WatchpostConfig.StatusPage parse(JsonNode section, Path configFile) {
        Path dir = configFile.toAbsolutePath().getParent();
        return new StatusPageSettings(dir == null ? Path.of("") : dir, configFile.getFileName().toString()).read(section);
    }

    private WatchpostConfig.StatusPage read(JsonNode s) {
        if (s == null || s.isNull()) {
            return WatchpostConfig.StatusPage.defaults();
        }
        if (!s.isObject()) {
            throw new ConfigException("section '" + SECTION + "' in " + source + " must be a mapping (keys: "
                    + String.join(", ", new TreeSet<>(KEYS)) + ")");
        }
        SpecReader.unknownKey(s, KEYS).ifPresent(k -> {
            throw new ConfigException("unknown key '" + SECTION + "." + k + "' in " + source + " (known: "
                    + new TreeSet<>(KEYS).stream().map(x -> SECTION + "." + x).reduce((a, b) -> a + ", " + b).orElse("")
                    + ")");
        });
        Optional<String> name = text(s, "name", MAX_NAME);
        String title = text(s, "title", MAX_TITLE)
                .orElse(name.map(n -> n + " status").orElse(WatchpostConfig.StatusPage.DEFAULT_TITLE));
        Optional<WatchpostConfig.StatusPage.Image> logo = image(s, "logo", MAX_LOGO_BYTES, false);
        Optional<WatchpostConfig.StatusPage.Image> favicon = image(s, "favicon", MAX_FAVICON_BYTES, true);
        Optional<String> accent = value(s, "accent").map(v -> {
            if (!COLOUR.matcher(v).matches()) {
                throw invalid("accent", v, "a colour written #rrggbb, e.g. #0b5fff");
            }
            return v.toLowerCase(Locale.ROOT);
        });
        boolean searchEngines = true;
        JsonNode se = s.get("search-engines");
        if (se != null && !se.isNull()) {
            String v = se.asText().strip().toLowerCase(Locale.ROOT);
            searchEngines = switch (v) {
                case "true", "yes", "on" -> true;
                case "false", "no", "off" -> false;
                default -> throw invalid("search-engines", se.asText(),
                        "true (the page may be indexed) or false (ask search engines not to index it)");
            };
        }
        ZoneId timeZone = value(s, "time-zone").map(this::zone).orElse(WatchpostConfig.StatusPage.DEFAULT_TIME_ZONE);
        return new WatchpostConfig.StatusPage(name.orElse(WatchpostConfig.StatusPage.DEFAULT_NAME), title, logo, favicon,
                footer(s.get("footer")), accent, banner(s.get("banner")), searchEngines, timeZone);
    }

    /**
     * A zone id as {@link ZoneId#of} reads it: an IANA id ({@code Europe/Berlin}), {@code UTC}, or an
     * offset ({@code +05:30}). A near miss is named: ids are case-sensitive, and three-letter names
     * such as PST are not zones.
     */
    private ZoneId zone(String v) {
        try {
            return ZoneId.of(v);
        } catch (DateTimeException e) {
            String near = ZoneId.getAvailableZoneIds().stream().filter(id -> id.equalsIgnoreCase(v)).findFirst()
                    .orElse(ZoneId.SHORT_IDS.get(v.toUpperCase(Locale.ROOT)));
            throw invalid("time-zone", v, "an IANA time zone id such as Europe/Berlin, America/New_York or UTC"
                    + (near == null || near.startsWith("-") ? "" : " (did you mean " + near + "?)"));
        }
    }

    // ---------------------------------------------------------------- values

    private ConfigException invalid(String key, String value, String allowed) {
        return new ConfigException(SECTION + "." + key, value, source, allowed);
    }

    /** A scalar's text, stripped; empty when absent, null or blank. */
    private Optional<String> value(JsonNode s, String key) {
        JsonNode v = s.get(key);
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        if (!v.isValueNode()) {
            throw invalid(key, v.toString(), "a single value, not a list or mapping");
        }
        return Optional.of(v.asText().strip()).filter(t -> !t.isEmpty());
    }

    private Optional<String> text(JsonNode s, String key, int max) {
        return value(s, key).map(t -> plain(key, t, max));
    }

    /** One line of at most {@code max} characters, no control characters. */
    private String plain(String key, String t, int max) {
        if (t.length() > max || t.chars().anyMatch(Character::isISOControl)) {
            throw invalid(key, t, "one line of text, at most " + max + " characters");
        }
        return t;
    }

    private Optional<WatchpostConfig.StatusPage.Image> image(JsonNode s, String key, long maxBytes, boolean icon) {
        Optional<String> raw = value(s, key);
        if (raw.isEmpty()) {
            return Optional.empty();
        }
        String given = raw.get();
        String kinds = icon ? "an ICO, PNG, SVG or GIF file" : "a PNG, JPEG, GIF, WebP or SVG file";
        if (given.matches("(?i)[a-z][a-z0-9+.-]*:.*") && !given.matches("(?i)[a-z]:[\\\\/].*") || given.startsWith("//")) {
            throw invalid(key, given, "the path of " + kinds + " on this server, not a URL: Watchpost serves it "
                    + "itself, so viewers' browsers never ask another site");
        }
        Path file = base.resolve(given).normalize();
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw invalid(key, given, kinds + " that exists and can be read (there is none at " + file + ")");
        }
        byte[] bytes;
        try {
            if (Files.size(file) > maxBytes) {
                throw invalid(key, given, kinds + " of at most " + maxBytes / 1024 + " KiB (it has "
                        + Files.size(file) / 1024 + " KiB)");
            }
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw invalid(key, given, kinds + " that can be read (" + e.getMessage() + ")");
        }
        String type = contentType(bytes);
        boolean allowed = type != null && (icon
                ? Set.of("image/x-icon", "image/png", "image/svg+xml", "image/gif").contains(type)
                : Set.of("image/png", "image/jpeg", "image/gif", "image/webp", "image/svg+xml").contains(type));
        if (!allowed) {
            throw invalid(key, given, kinds + " (its content is " + (type == null ? "no image Watchpost knows" : type) + ")");
        }
        return Optional.of(new WatchpostConfig.StatusPage.Image(given, type, bytes));
    }

    /** What an image is, judged from its first bytes (never from its name); null when not one of ours. */
    static String contentType(byte[] b) {
        if (starts(b, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
            return "image/png";
        }
        if (starts(b, 0xFF, 0xD8, 0xFF)) {
            return "image/jpeg";
        }
        if (starts(b, 'G', 'I', 'F', '8')) {
            return "image/gif";
        }
        if (starts(b, 'R', 'I', 'F', 'F') && b.length >= 12 && b[8] == 'W' && b[9] == 'E' && b[10] == 'B' && b[11] == 'P') {
            return "image/webp";
        }
        if (starts(b, 0, 0, 1, 0)) {
            return "image/x-icon";
        }
        String head = new String(b, 0, Math.min(b.length, 1024), StandardCharsets.UTF_8).stripLeading();
        if ((head.startsWith("<?xml") || head.startsWith("<svg") || head.startsWith("<!--"))
                && head.toLowerCase(Locale.ROOT).contains("<svg")) {
            return "image/svg+xml";
        }
        return null;
    }

    private static boolean starts(byte[] b, int... prefix) {
        if (b.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if ((b[i] & 0xFF) != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private List<WatchpostConfig.StatusPage.Link> footer(JsonNode list) {
        if (list == null || list.isNull()) {
            return List.of();
        }
        if (!list.isArray()) {
            throw invalid("footer", list.toString(), "a list of links, e.g. [{text: Contact, url: https://example.com/contact}]");
        }
        if (list.size() > MAX_LINKS) {
            throw invalid("footer", list.size() + " links", "at most " + MAX_LINKS + " links");
        }
        List<WatchpostConfig.StatusPage.Link> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            String key = "footer[" + i + "]";
            JsonNode item = list.get(i);
            if (!item.isObject()) {
                throw invalid(key, item.toString(), "a link: {text: Contact, url: https://example.com/contact}");
            }
            SpecReader.unknownKey(item, Set.of("text", "url")).ifPresent(k -> {
                throw invalid(key + "." + k, item.get(k).asText(), "only the keys text and url");
            });
            String text = value(item, "text").map(t -> plain(key + ".text", t, MAX_LINK_TEXT))
                    .orElseThrow(() -> invalid(key + ".text", null, "the link's words, e.g. Contact"));
            String url = value(item, "url").orElseThrow(() -> invalid(key + ".url", null,
                    "an http:// or https:// URL, a mailto: address or a path on this server such as /docs"));
            out.add(new WatchpostConfig.StatusPage.Link(text, link(key + ".url", url)));
        }
        return out;
    }

    /** http(s) with a host, mailto: with an address, or a path on this server (not {@code //host}). */
    private String link(String key, String url) {
        String allowed = "an http:// or https:// URL, a mailto: address or a path on this server such as /docs";
        if (url.length() > MAX_URL || url.chars().anyMatch(c -> c <= ' ' || c == 0x7F)) {
            throw invalid(key, url, allowed + " (without spaces, at most " + MAX_URL + " characters)");
        }
        if (url.startsWith("/") && !url.startsWith("//")) {
            return url;
        }
        try {
            URI u = new URI(url);
            String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
            if ((scheme.equals("http") || scheme.equals("https")) && u.getHost() != null) {
                return url;
            }
            if (scheme.equals("mailto") && u.getSchemeSpecificPart().contains("@")) {
                return url;
            }
        } catch (URISyntaxException e) {
            // the message below says what is allowed
        }
        throw invalid(key, url, allowed);
    }

    private List<String> banner(JsonNode list) {
        if (list == null || list.isNull()) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        if (list.isTextual()) {
            out.add(list.asText().strip());
        } else if (list.isArray()) {
            for (int i = 0; i < list.size(); i++) {
                JsonNode n = list.get(i);
                if (!n.isTextual() || n.asText().isBlank()) {
                    throw invalid("banner[" + i + "]", n.toString(), "a target id, group id or glob such as web/**");
                }
                out.add(n.asText().strip());
            }
        } else {
            throw invalid("banner", list.toString(), "a list of target ids, group ids or globs, e.g. [\"web/**\", bots/main]");
        }
        if (out.size() > MAX_SELECTORS) {
            throw invalid("banner", out.size() + " entries", "at most " + MAX_SELECTORS + " target ids, group ids or globs");
        }
        return out;
    }
}
