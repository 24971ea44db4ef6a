package dev.watchpost.auth;

import dev.watchpost.config.WatchpostConfig;
import dev.watchpost.store.WriteBehind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Issues, checks and revokes API tokens.
 *
 * <p>Checking a token never touches the database: the hashes of every active token (stored ones and
 * those from configuration) are held in an immutable list that is swapped on change and refreshed
 * in the background, so tokens created or revoked by another process take effect within
 * {@link #REFRESH}. The presented token is hashed and compared against every entry with
 * {@link MessageDigest#isEqual}, without stopping at the first match, so the time taken does not
 * depend on which token (if any) matched.
 */
public final class Tokens implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Tokens.class);

    /** How soon a token made or revoked by the CLI is seen by a running server. */
    static final Duration REFRESH = Duration.ofSeconds(5);

    private static final char[] ALPHABET =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();
    private static final int TOKEN_CHARS = 32; // ~190 bits
    static final String PREFIX = "wp_";

    /** A freshly created token: {@code token} is shown to the user once and never stored. */
    public record Created(String token, ApiToken stored) {
        @Override
        public String toString() {
            return "Created[token=***, stored=" + stored + "]";
        }
    }

    /** @param lastMarked epoch ms of the last use handed to the writer (at most one write per minute per token) */
    private record Entry(byte[] hash, Principal principal, java.util.concurrent.atomic.AtomicLong lastMarked) {
        Entry(byte[] hash, Principal principal) {
            this(hash, principal, new java.util.concurrent.atomic.AtomicLong());
        }
    }

    private final TokenStore store;
    private final WriteBehind writer;
    private final Clock clock;
    private final List<Entry> configured;
    private final SecureRandom random = new SecureRandom();
    private volatile List<Entry> entries;
    private final ScheduledExecutorService refresher;

    public Tokens(TokenStore store, WriteBehind writer, Clock clock, WatchpostConfig.Auth config) {
        this.store = store;
        this.writer = writer;
        this.clock = clock;
        List<Entry> fromConfig = new ArrayList<>();
        addConfigured(fromConfig, config.adminTokens(), Scope.ADMIN);
        addConfigured(fromConfig, config.ingestTokens(), Scope.INGEST);
        addConfigured(fromConfig, config.readTokens(), Scope.READ);
        this.configured = List.copyOf(fromConfig);
        reload();
        this.refresher = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("watchpost-token-refresh").daemon(true).factory());
        refresher.scheduleWithFixedDelay(this::reloadQuietly, REFRESH.toMillis(), REFRESH.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    private static void addConfigured(List<Entry> out, List<String> tokens, Scope scope) {
        for (String t : tokens) {
            out.add(new Entry(TokenHash.of(t), new Principal(0, "config:" + scope.id(), scope)));
        }
    }

    /** The principal a presented token belongs to, or empty when it is unknown or revoked. */
    public Optional<Principal> authenticate(String presented) {
        if (presented == null || presented.isEmpty()) {
            return Optional.empty();
        }
        byte[] hash = TokenHash.of(presented);
        Entry found = null;
        for (Entry e : entries) {
            if (MessageDigest.isEqual(hash, e.hash()) & found == null) {
                found = e;
            }
        }
        if (found == null) {
            return Optional.empty();
        }
        long id = found.principal().tokenId();
        if (id > 0) {
            // Last use is for people reviewing tokens: minute precision is plenty, and it keeps the
            // hot path from queueing a write per request.
            var when = clock.instant();
            long last = found.lastMarked().get();
            if (when.toEpochMilli() - last >= 60_000 && found.lastMarked().compareAndSet(last, when.toEpochMilli())) {
                writer.put("api_token.last_used:" + id, c -> TokenStore.markUsed(c, id, when));
            }
        }
        return Optional.of(found.principal());
    }

    /** Creates and stores a token; the returned plain text is the only copy there will ever be. */
    public Created create(Scope scope, String name) {
        return create(scope, name, Optional.empty());
    }

    /**
     * As {@link #create(Scope, String)}, bound to one location: a prober token that may speak for
     * {@code location} alone. Only prober tokens are bound; the caller checks the name.
     */
    public Created create(Scope scope, String name, Optional<String> location) {
        if (location.isPresent() && scope != Scope.PROBER) {
            throw new IllegalArgumentException("only prober tokens are bound to a location");
        }
        String token = newToken();
        String hint = token.substring(0, PREFIX.length() + 4);
        ApiToken stored = store.insert(name, scope, TokenHash.hex(token), hint, clock.instant(), location);
        reload();
        changes.changed(dev.watchpost.store.ChangeFeed.Kind.TOKENS, Long.toString(stored.id()));
        LOG.info("event=token.created id={} scope={} name=\"{}\"{}", stored.id(), scope.id(), stored.name(),
                location.map(l -> " location=" + l).orElse(""));
        return new Created(token, stored);
    }

    /** Revokes a stored token; false when there is no active token with that id. */
    public boolean revoke(long id) {
        boolean done = store.revoke(id, clock.instant());
        if (done) {
            reload();
            changes.changed(dev.watchpost.store.ChangeFeed.Kind.TOKENS, Long.toString(id));
            LOG.info("event=token.revoked id={}", id);
        }
        return done;
    }

    private volatile dev.watchpost.store.ChangeFeed changes = dev.watchpost.store.ChangeFeed.NONE;

    /** Cluster mode: the other nodes hear of every token issued or revoked here, and apply it at once. */
    public void publishChangesTo(dev.watchpost.store.ChangeFeed changes) {
        this.changes = java.util.Objects.requireNonNull(changes, "changes");
    }

    /** Another node issued or revoked a token: read them again now rather than at the next refresh. */
    public void reloadFromStore() {
        reloadQuietly();
    }

    public List<ApiToken> list() {
        return store.list();
    }

    /**
     * True while a stored token with this id is active: from memory, like {@link #authenticate}, so
     * a revocation by the CLI applies within {@link #REFRESH}. Dashboard sessions opened with a token
     * end when it is revoked.
     */
    public boolean isActive(long tokenId) {
        for (Entry e : entries) {
            if (e.principal().tokenId() == tokenId) {
                return true;
            }
        }
        return false;
    }

    /** True when some admin token exists (stored or configured), i.e. the API can be administered safely. */
    public boolean hasAdmin() {
        return entries.stream().anyMatch(e -> e.principal().scope() == Scope.ADMIN);
    }

    private String newToken() {
        StringBuilder sb = new StringBuilder(PREFIX);
        for (int i = 0; i < TOKEN_CHARS; i++) {
            sb.append(ALPHABET[random.nextInt(ALPHABET.length)]);
        }
        return sb.toString();
    }

    private void reload() {
        List<Entry> next = new ArrayList<>(configured);
        for (TokenStore.Stored s : store.all()) {
            if (s.token().active()) {
                next.add(new Entry(HexFormat.of().parseHex(s.hashHex()),
                        new Principal(s.token().id(), s.token().name(), s.token().scope(), s.token().location())));
            }
        }
        entries = List.copyOf(next);
    }

    private void reloadQuietly() {
        try {
            reload();
        } catch (RuntimeException e) {
            LOG.warn("event=token.refresh.failed error=\"{}\"", e.getMessage());
        }
    }

    @Override
    public void close() {
        refresher.shutdownNow();
    }
}
