package dev.watchpost.feed;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RecentTest {

    private static Recent.Entry entry(long seq, long version) {
        return new Recent.Entry(seq, version, new byte[] {(byte) seq}, true);
    }

    @Test
    void aReconnectGetsEveryEventAfterItsLastIdWhileTheyAreHeld() {
        Recent r = new Recent(3);
        assertThat(r.after(0)).as("nothing happened yet: nothing missed").hasValueSatisfying(l -> assertThat(l).isEmpty());
        for (long s = 1; s <= 4; s++) {
            r.add(entry(s, 10 + s));
        }
        assertThat(r.after(3)).hasValueSatisfying(l -> assertThat(l).extracting(Recent.Entry::seq).containsExactly(4L));
        assertThat(r.after(1)).hasValueSatisfying(l -> assertThat(l).extracting(Recent.Entry::seq).containsExactly(2L, 3L, 4L));
        assertThat(r.after(4)).hasValueSatisfying(l -> assertThat(l).isEmpty());
        assertThat(r.after(0)).as("event 1 is no longer held: start from a snapshot").isEmpty();
        assertThat(r.after(5)).as("an id never handed out").isEmpty();
    }

    @Test
    void aPageGetsTheEventsItsSnapshotMayLackCountingOneVersionBack() {
        Recent r = new Recent(4);
        r.add(entry(1, 5)); // published while snapshot 5 was current: in 7 and later, maybe not in 6
        r.add(entry(2, 6));
        r.add(entry(3, 6));
        r.add(entry(4, 8));
        assertThat(r.since(7)).hasValueSatisfying(l -> assertThat(l).extracting(Recent.Entry::seq).containsExactly(2L, 3L, 4L));
        assertThat(r.since(6)).hasValueSatisfying(l -> assertThat(l).extracting(Recent.Entry::seq).containsExactly(1L, 2L, 3L, 4L));
        assertThat(r.since(10)).hasValueSatisfying(l -> assertThat(l).isEmpty());
        r.add(entry(5, 9)); // drops event 1 (version 5)
        assertThat(r.since(6)).as("the page may lack event 1, which is gone").isEmpty();
        assertThat(r.since(7)).hasValueSatisfying(l -> assertThat(l).extracting(Recent.Entry::seq).containsExactly(2L, 3L, 4L, 5L));
    }
}
