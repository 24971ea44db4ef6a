package dev.watchpost.probe;

/**
 * What one probe checks: an HTTP endpoint, a TCP port, a TLS certificate or a stats agent. Each
 * kind knows which host it loads (for the per-host limit) and how to build its prober.
 */
public sealed interface Check permits HttpCheck, TcpCheck, TlsCheck, StatsCheck {

    /** The target kind this check stands for: {@code http}, {@code tcp}, {@code tls} or {@code stats}. */
    String kind();

    /** The host the probe connects to, lower-case; probes of one host share its concurrency limit. */
    String host();

    /** The longest a single probe may take, connecting included. */
    java.time.Duration timeout();

    /** A prober for this check; HTTP-based ones share the given clients (and their connection pools). */
    Prober prober(HttpClients clients);
}
