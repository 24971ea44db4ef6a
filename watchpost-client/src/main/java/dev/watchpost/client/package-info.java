/**
 * The Watchpost client SDK: members register, send heartbeats and fail open when Watchpost is
 * unreachable. Deliberately free of runtime dependencies so that any JVM service can embed it.
 */
package dev.watchpost.client;
