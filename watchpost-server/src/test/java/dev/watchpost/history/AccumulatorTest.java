package dev.watchpost.history;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The per-target in-memory counters, without a database. */
class AccumulatorTest {

    private static final int MINUTE = 29_000_000;
    private static final long T = MINUTE * 60_000L;

    @Test
    void countsAMinuteAndSealsItWhenTheNextBegins() {
        Accumulator a = new Accumulator();
        assertThat(a.observe(MINUTE, true, 40)).isTrue();
        a.observe(MINUTE, false, Double.NaN);
        a.observe(MINUTE + 1, true, 6000);
        Accumulator.Taken t = a.take(T + 90_000);
        List<Accumulator.Delta> deltas = deltas(t);
        assertThat(deltas).extracting(d -> d.minute).containsExactly(MINUTE, MINUTE + 1);
        Accumulator.Delta first = deltas.get(0);
        assertThat(first.samples).isEqualTo(2);
        assertThat(first.failures).isEqualTo(1);
        assertThat(first.latencySum).isEqualTo(40);
        assertThat(first.bins).containsExactly(1, 0, 0, 0, 0, 0, 0, 0);
        assertThat(deltas.get(1).bins).containsExactly(0, 0, 0, 0, 0, 0, 0, 1);
        assertThat(deltas.get(1).latencyMax).isEqualTo(6000);
        assertThat(t.spans()).isNull();
    }

    @Test
    void aMinuteThatWouldOverflowACounterIsSealedEarlyAndNothingIsLost() {
        Accumulator a = new Accumulator();
        int n = 200_000;
        for (int i = 0; i < n; i++) {
            a.observe(MINUTE, i % 4 != 0, 75);
        }
        List<Accumulator.Delta> deltas = deltas(a.take(T + 30_000));
        assertThat(deltas).allSatisfy(d -> assertThat(d.minute).isEqualTo(MINUTE));
        assertThat(deltas.stream().mapToLong(d -> d.samples).sum()).isEqualTo(n);
        assertThat(deltas.stream().mapToLong(d -> d.failures).sum()).isEqualTo(n / 4);
        assertThat(deltas.stream().mapToLong(d -> d.bins[1]).sum()).isEqualTo(n);
        assertThat(deltas.stream().mapToDouble(d -> d.latencySum).sum()).isEqualTo(75.0 * n);
    }

    @Test
    void anIdleAccumulatorHasNothingToTakeAndRetires() {
        Accumulator a = new Accumulator();
        a.observe(MINUTE, true, 10);
        assertThat(a.take(T)).isNotNull();
        assertThat(a.take(T)).isNull();
        assertThat(a.retireIfIdle()).isTrue();
        assertThat(a.observe(MINUTE, true, 10)).as("a retired accumulator refuses, the caller looks up anew").isFalse();
        assertThat(a.transition(Accumulator.DOWN, T)).isFalse();
        assertThat(a.take(T)).isNull();
        assertThat(a.retireIfIdle()).as("retired once").isFalse();
    }

    @Test
    void anOpenIntervalIsCountedUpToEachTakeAndMovesForward() {
        Accumulator a = new Accumulator();
        a.transition(Accumulator.DOWN, T);
        Accumulator.Taken first = a.take(T + 150_000);
        assertThat(first.open()).isTrue();
        assertThat(first.spans()).isEqualTo(new Accumulator.Span(Accumulator.DOWN, T, T + 150_000, null));
        assertThat(a.take(T + 300_000).spans().from()).isEqualTo(T + 150_000);
        a.transition(Accumulator.NONE, T + 370_000);
        Accumulator.Taken closed = a.take(T + 400_000);
        assertThat(closed.open()).isFalse();
        assertThat(closed.unmark()).as("the restart mark is removed once the interval closed").isTrue();
        assertThat(closed.spans()).isEqualTo(new Accumulator.Span(Accumulator.DOWN, T + 300_000, T + 370_000, null));
        assertThat(a.take(T + 500_000)).isNull();
        assertThat(a.retireIfIdle()).isTrue();
    }

    @Test
    void aTransitionThatATakeAlreadyCountedPastIsNotCountedTwice() {
        Accumulator a = new Accumulator();
        a.transition(Accumulator.DOWN, T);
        a.take(T + 60_050);                                  // a flush counted down time to here ...
        a.transition(Accumulator.UNOBSERVED, T + 60_000);    // ... then the change that happened before it arrives
        Accumulator.Taken t = a.take(T + 120_000);
        assertThat(t.spans()).isEqualTo(new Accumulator.Span(Accumulator.UNOBSERVED, T + 60_050, T + 120_000, null));
    }

    @Test
    void whatIsGivenBackIsTakenAgain() {
        Accumulator a = new Accumulator();
        a.observe(MINUTE, true, 10);
        a.transition(Accumulator.DOWN, T);
        Accumulator.Taken t = a.take(T + 60_000);
        assertThat(a.giveBack(t)).isTrue();
        a.observe(MINUTE + 1, true, 20);
        Accumulator.Taken again = a.take(T + 120_000);
        assertThat(deltas(again).stream().mapToInt(d -> d.samples).sum()).isEqualTo(2);
        long down = 0;
        for (Accumulator.Span s = again.spans(); s != null; s = s.next()) {
            down += s.to() - s.from();
        }
        assertThat(down).isEqualTo(120_000);
    }

    private static List<Accumulator.Delta> deltas(Accumulator.Taken t) {
        List<Accumulator.Delta> out = new ArrayList<>();
        for (Accumulator.Delta d = t.deltas(); d != null; d = d.next) {
            if (d.samples > 0) {
                out.add(d);
            }
        }
        out.sort((x, y) -> Integer.compare(x.minute, y.minute));
        return out;
    }
}
