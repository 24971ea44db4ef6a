package dev.watchpost.feed;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RecentTest {

    private static Recent.Entry entry(long seq) {
        return new Recent.Entry(seq, new byte[] {(byte) seq}, true);
    }

    @Test
    void aReconnectGetsEveryEventAfterItsLastIdWhileTheyAreHeld() {
        Recent r = new Recent(3);
        assertThat(r.after(0)).as("nothing happened yet: nothing missed").hasValueSatisfying(l -> assertThat(l).isEmpty());
        for (long s = 1; s <= 4; s++) {
            r.add(entry(s));
        }
        assertThat(r.after(3)).hasValueSatisfying(l -> assertThat(l).extracting(Recent.Entry::seq).containsExactly(4L));
        assertThat(r.after(1)).hasValueSatisfying(l -> assertThat(l).extracting(Recent.Entry::seq).containsExactly(2L, 3L, 4L));
        assertThat(r.after(4)).hasValueSatisfying(l -> assertThat(l).isEmpty());
        assertThat(r.after(0)).as("event 1 is no longer held: start from a snapshot").isEmpty();
        assertThat(r.after(5)).as("an id never handed out").isEmpty();
    }
}
