/**
 * The Watchpost Java SDK: heartbeats queued and sent in batches without ever blocking the caller,
 * cron job pings, manual statuses, notices, targets and groups, the snapshot and the live stream.
 * Free of dependencies ({@code java.net.http} only) and built for Java 17, so any JVM service can
 * embed it. Start at {@link dev.watchpost.client.Watchpost#builder()}.
 */
package dev.watchpost.client;
