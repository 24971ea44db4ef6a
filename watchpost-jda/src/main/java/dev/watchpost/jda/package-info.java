/**
 * Reports every shard of a JDA bot to Watchpost: {@link dev.watchpost.jda.WatchpostShards}, an event
 * listener added to the bot's {@code ShardManager} (or a single {@code JDA}).
 */
package dev.watchpost.jda;
