package dev.watchpost.feed;

import dev.watchpost.live.GroupNode;
import dev.watchpost.live.LiveState;
import dev.watchpost.live.State;
import dev.watchpost.live.TargetView;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Discord's guild → shard rule, exact on 64-bit ids: {@code shard = (guild_id >> 22) % shard_count}. */
public final class Guilds {

    private static final BigInteger MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

    private Guilds() {
    }

    /** Where a guild lives in one sharded group. */
    public record Placement(String groupId, String cluster, int shards, int shard, String targetId, State state) {
    }

    /**
     * Parses a guild id: decimal digits only, 1..2^64-1 (a snowflake is unsigned 64-bit). Never
     * goes through a floating-point number.
     */
    static long parse(String raw) {
        if (raw == null || raw.isEmpty() || raw.length() > 20 || !raw.chars().allMatch(Character::isDigit)) {
            throw FeedRoutes.badGuild(raw, raw != null && raw.startsWith("-") ? "must not be negative"
                    : "must be a decimal number (a Discord snowflake)");
        }
        BigInteger v = new BigInteger(raw);
        if (v.signum() == 0 || v.compareTo(MAX) > 0) {
            throw FeedRoutes.badGuild(raw, "is outside the range of Discord ids (1 to 18446744073709551615)");
        }
        return v.longValue();
    }

    public static int shardOf(long guildId, int shardCount) {
        return (int) Long.remainderUnsigned(guildId >>> 22, shardCount);
    }

    /** @param includePrivate whether private sharded groups are named too (readers with a token) */
    static List<Placement> place(long guildId, LiveState live, boolean includePrivate) {
        List<Placement> out = new ArrayList<>();
        for (GroupNode g : live.groups()) {
            int n = g.def().shards();
            if (n <= 0 || (!includePrivate && g.hidden())) {
                continue;
            }
            int shard = shardOf(guildId, n);
            String target = g.id() + "/" + shard;
            State state = live.target(target).map(TargetView::state).orElse(State.UNKNOWN);
            out.add(new Placement(g.id(), g.def().leaf(), n, shard, target, state));
        }
        out.sort(Comparator.comparing(Placement::groupId));
        return out;
    }
}
