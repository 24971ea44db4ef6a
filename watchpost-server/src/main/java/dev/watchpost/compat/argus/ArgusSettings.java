package dev.watchpost.compat.argus;

import dev.watchpost.live.GroupDef;
import dev.watchpost.live.Lease;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Argus Fleet compatibility settings, validated once and then frozen.
 *
 * <p>Environment variables (wired by the config loader): {@code ARGUS_FLEET_INTERVAL} or Argus'
 * {@code ARGUS_FLEET_HEARTBEAT_INTERVAL} → {@code interval}, {@code ARGUS_FLEET_TTL_FACTOR} →
 * {@code ttlFactor}, {@code ARGUS_FLEET_NAMESPACE} or Argus' {@code ARGUS_NAMESPACE} → {@code namespace}, {@code ARGUS_FLEET_HISTORY} → {@code historyPoints},
 * {@code ARGUS_FLEET_RATE_LIMIT} → {@code perIdentity} / {@code perIp},
 * {@code ARGUS_FLEET_PROMETHEUS_URL} → {@code prometheusUrl}.
 *
 * @param interval      how often members are expected to heartbeat
 * @param ttlFactor     a cluster is up while {@code now - last_seen <= interval × ttlFactor}
 * @param namespace     the metric name prefix of snapshots ({@code discord} → {@code discord_guilds})
 * @param historyPoints points of (time, metrics) kept per cluster, in memory only; 0 keeps none
 * @param perIdentity   token bucket for register and heartbeat, per member identity
 * @param perIp         token bucket for every fleet route, per client address
 * @param groupPrefix   the Watchpost group the fleets live under: cluster {@code N} of fleet {@code f}
 *                      is target {@code <groupPrefix>/f/N}
 * @param prometheusUrl the Prometheus server whose figures win over the pushed ones in the read routes
 *                      (its base URL, {@code /api/v1/query} is appended); empty reads pushes only
 */
public record ArgusSettings(Duration interval, int ttlFactor, String namespace, int historyPoints,
                            RateLimit perIdentity, RateLimit perIp, String groupPrefix,
                            Optional<URI> prometheusUrl, int maxMembers) {

    /**
     * Members are never pruned automatically, and a token holder could otherwise register without
     * end (each member is a target, a row and a history ring). Large Discord bots run hundreds of
     * clusters; a thousand leaves room.
     */
    public static final int DEFAULT_MAX_MEMBERS = 1_000;

    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(15);
    public static final int DEFAULT_TTL_FACTOR = 3;
    public static final String DEFAULT_NAMESPACE = "discord";
    /** One hour at the default interval. */
    public static final int DEFAULT_HISTORY = 240;
    public static final int MAX_HISTORY = 100_000;
    public static final int MAX_TTL_FACTOR = 1_000;
    public static final String DEFAULT_GROUP_PREFIX = "fleet";

    /**
     * A token bucket: {@code burst} requests at once, refilled at {@code perSecond}.
     *
     * @param perSecond sustained rate, &gt; 0
     * @param burst     bucket size, &ge; 1
     */
    public record RateLimit(double perSecond, int burst) {

        /** Members heartbeat every 15 s; the burst absorbs restarts and retries. */
        public static final RateLimit DEFAULT_PER_IDENTITY = new RateLimit(2, 20);
        /** Many members may share one address (one host, NAT); dashboards poll from it too. */
        public static final RateLimit DEFAULT_PER_IP = new RateLimit(100, 500);

        public RateLimit {
            if (!(perSecond > 0) || !Double.isFinite(perSecond)) {
                throw new IllegalArgumentException("rate limit: requests per second must be a finite number > 0, got " + perSecond);
            }
            if (burst < 1) {
                throw new IllegalArgumentException("rate limit: burst must be at least 1, got " + burst);
            }
        }
    }

    /**
     * The settings as configured: a member identity may burst ten seconds' worth of requests (a
     * restart and its retries), an address five seconds' worth.
     */
    public static ArgusSettings of(dev.watchpost.config.WatchpostConfig.Argus a) {
        return new ArgusSettings(a.interval(), a.ttlFactor(), a.namespace(), a.historyPoints(),
                new RateLimit(a.ratePerSecond(), (int) Math.max(1, Math.ceil(a.ratePerSecond() * 10))),
                new RateLimit(a.ipRatePerSecond(), (int) Math.max(1, Math.ceil(a.ipRatePerSecond() * 5))),
                a.group(), a.prometheusUrl(), a.maxMembers());
    }

    public ArgusSettings {
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(perIdentity, "perIdentity");
        Objects.requireNonNull(perIp, "perIp");
        Objects.requireNonNull(groupPrefix, "groupPrefix");
        Objects.requireNonNull(prometheusUrl, "prometheusUrl");
        if (interval.isNegative() || interval.isZero() || interval.compareTo(Duration.ofDays(1)) > 0) {
            throw new IllegalArgumentException("argus fleet interval must be > 0 and at most 1d, got " + interval);
        }
        if (ttlFactor < 1 || ttlFactor > MAX_TTL_FACTOR) {
            throw new IllegalArgumentException("argus fleet ttl factor must be 1.." + MAX_TTL_FACTOR + ", got " + ttlFactor);
        }
        try {
            SnapshotParser.forNamespace(namespace);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("argus fleet " + e.getMessage(), e);
        }
        if (historyPoints < 0 || historyPoints > MAX_HISTORY) {
            throw new IllegalArgumentException("argus fleet history must be 0.." + MAX_HISTORY + " points, got " + historyPoints);
        }
        // The deepest id we make is <prefix>/<fleet>/<number>; it must be a valid target id.
        if (!GroupDef.ID.matcher(groupPrefix).matches() || !GroupDef.ID.matcher(groupPrefix + "/f/1").matches()) {
            throw new IllegalArgumentException("argus fleet group prefix must be a group id of at most 6 lower-case "
                    + "segments (a-z, 0-9, '.', '_', '-') separated by '/', got '" + groupPrefix + "'");
        }
        if (maxMembers < 1) {
            throw new IllegalArgumentException("argus fleet max members must be at least 1, got " + maxMembers);
        }
        prometheusUrl.ifPresent(u -> {
            if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme())) || u.getHost() == null
                    || u.getRawQuery() != null || u.getRawFragment() != null) {
                throw new IllegalArgumentException("argus fleet prometheus url must be an absolute http:// or https:// "
                        + "URL without query or fragment, got '" + u + "'");
            }
        });
    }

    /** With the default limit of members. */
    public ArgusSettings(Duration interval, int ttlFactor, String namespace, int historyPoints,
                         RateLimit perIdentity, RateLimit perIp, String groupPrefix, Optional<URI> prometheusUrl) {
        this(interval, ttlFactor, namespace, historyPoints, perIdentity, perIp, groupPrefix, prometheusUrl, DEFAULT_MAX_MEMBERS);
    }

    /** Without a Prometheus source: the settings as they were before it existed. */
    public ArgusSettings(Duration interval, int ttlFactor, String namespace, int historyPoints,
                         RateLimit perIdentity, RateLimit perIp, String groupPrefix) {
        this(interval, ttlFactor, namespace, historyPoints, perIdentity, perIp, groupPrefix, Optional.empty());
    }

    /** These settings reading Prometheus at {@code url} as well. */
    public ArgusSettings withPrometheus(URI url) {
        return new ArgusSettings(interval, ttlFactor, namespace, historyPoints, perIdentity, perIp, groupPrefix,
                Optional.of(Objects.requireNonNull(url, "url")), maxMembers);
    }

    /** 15 s × 3, namespace {@code discord}, 240 points of history, groups under {@code fleet}, no Prometheus. */
    public static ArgusSettings defaults() {
        return new ArgusSettings(DEFAULT_INTERVAL, DEFAULT_TTL_FACTOR, DEFAULT_NAMESPACE, DEFAULT_HISTORY,
                RateLimit.DEFAULT_PER_IDENTITY, RateLimit.DEFAULT_PER_IP, DEFAULT_GROUP_PREFIX);
    }

    /** The lease of every cluster: {@code interval × ttlFactor}. */
    public Lease lease() {
        return Lease.of(interval, ttlFactor);
    }
}
