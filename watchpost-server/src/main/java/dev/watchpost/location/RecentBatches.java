package dev.watchpost.location;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The ids of the batches each location sent lately, with the answer each got, so a batch sent again
 * (its answer lost on the way back) is answered as before and not applied twice. A batch still being
 * applied holds its place too: a resend racing the first sending waits for its answer.
 *
 * <p>Memory only, and bounded: the last {@link #PER_LOCATION} batches of each location (a quarter of
 * an hour of a busy prober's batches, one a second; a resend comes at its next send, or first thing
 * once the server is back, so within these). Locations are bounded as in {@link Probers}: only an
 * authenticated prober adds one. After a restart, or when a resend lands on another node of a
 * cluster, the older rule still holds: a location's latest result, sent again, is a duplicate.
 *
 * @param <A> the answer a batch got
 */
final class RecentBatches<A> {

    static final int PER_LOCATION = 1_000;

    private final Map<String, Map<String, CompletableFuture<A>>> byLocation = new ConcurrentHashMap<>();

    /**
     * Claims {@code id} for {@code mine}, the answer the caller is about to give, unless {@code location}
     * sent that id lately: then the earlier sending's answer (perhaps not complete yet), and the caller
     * applies nothing.
     */
    Optional<CompletableFuture<A>> claim(String location, String id, CompletableFuture<A> mine) {
        Map<String, CompletableFuture<A>> recent = byLocation.computeIfAbsent(location, l -> new LinkedHashMap<>());
        synchronized (recent) {
            CompletableFuture<A> earlier = recent.get(id);
            if (earlier != null) {
                return Optional.of(earlier);
            }
            recent.put(id, mine);
            if (recent.size() > PER_LOCATION) {
                var oldest = recent.keySet().iterator();
                oldest.next();
                oldest.remove();
            }
            return Optional.empty();
        }
    }

    /** The sending that claimed {@code id} failed before it applied anything: a resend is a first sending. */
    void forget(String location, String id, CompletableFuture<A> mine) {
        Map<String, CompletableFuture<A>> recent = byLocation.get(location);
        if (recent != null) {
            synchronized (recent) {
                recent.remove(id, mine);
            }
        }
    }
}
