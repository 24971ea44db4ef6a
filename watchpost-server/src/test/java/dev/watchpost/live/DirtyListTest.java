package dev.watchpost.live;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The lists of cells waiting for a snapshot or checkpoint round: every cell added comes out once,
 * also with many producers and a consumer draining at the same time.
 */
class DirtyListTest {

    private static TargetCell cell(int i) {
        return new TargetCell("c" + i, null, null, -1, i);
    }

    private static List<TargetCell> cells(int n) {
        List<TargetCell> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(cell(i));
        }
        return out;
    }

    @Test
    void takeAllReturnsEveryAddedCellOnceAndEmptiesTheList() {
        DirtyList list = new DirtyList(DirtyList.Link.SNAPSHOT);
        assertThat(list.isEmpty()).isTrue();
        assertThat(list.takeAll()).isEmpty();
        List<TargetCell> cells = cells(5);
        cells.forEach(list::add);
        assertThat(list.isEmpty()).isFalse();

        assertThat(list.takeAll()).containsExactlyInAnyOrderElementsOf(cells);
        assertThat(list.isEmpty()).isTrue();
        assertThat(list.takeAll()).isEmpty();
    }

    @Test
    void aTakenCellCanBeAddedAgainAndComesOutAlone() {
        DirtyList list = new DirtyList(DirtyList.Link.CHECKPOINT);
        List<TargetCell> cells = cells(3);
        cells.forEach(list::add);
        list.takeAll();

        list.add(cells.get(1));
        assertThat(list.takeAll()).containsExactly(cells.get(1));
        list.add(cells.get(2));
        list.add(cells.get(0));
        assertThat(list.takeAll()).containsExactlyInAnyOrder(cells.get(0), cells.get(2));
    }

    @Test
    void aCellCanWaitInTheSnapshotAndTheCheckpointListAtOnce() {
        DirtyList snapshot = new DirtyList(DirtyList.Link.SNAPSHOT);
        DirtyList checkpoint = new DirtyList(DirtyList.Link.CHECKPOINT);
        List<TargetCell> cells = cells(4);
        cells.forEach(snapshot::add);
        checkpoint.add(cells.get(3)); // in another order, so the two lists link the cells differently
        checkpoint.add(cells.get(1));
        checkpoint.add(cells.get(0));
        checkpoint.add(cells.get(2));

        assertThat(snapshot.takeAll()).containsExactlyInAnyOrderElementsOf(cells);
        assertThat(checkpoint.isEmpty()).as("taking one list leaves the other").isFalse();
        snapshot.add(cells.get(2));
        assertThat(checkpoint.takeAll()).containsExactlyInAnyOrderElementsOf(cells);
        assertThat(snapshot.takeAll()).containsExactly(cells.get(2));
    }

    /**
     * As the live state uses it: a producer adds a cell when it sets the cell's flag, the consumer
     * clears the flag after taking it, so a cell is added again only after it was taken.
     */
    @Test
    void concurrentAddsWhileTheConsumerDrainsLoseNothingAndDuplicateNothing() throws Exception {
        int producers = 4;
        int perProducer = 10_000;
        int rounds = 5;
        List<TargetCell> cells = cells(producers * perProducer);
        DirtyList list = new DirtyList(DirtyList.Link.SNAPSHOT);
        AtomicIntegerArray added = new AtomicIntegerArray(cells.size());
        int[] taken = new int[cells.size()];
        int[] batchOf = new int[cells.size()];
        int[] duplicates = new int[1];
        AtomicBoolean producersDone = new AtomicBoolean();
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(producers + 1, r -> {
            Thread t = new Thread(r);
            t.setDaemon(true); // a broken list loops forever: the test fails by its timeout, the run goes on
            return t;
        });
        try {
            Future<?> consumer = pool.submit(() -> {
                go.await();
                for (int batch = 1; ; batch++) {
                    boolean last = producersDone.get();
                    List<TargetCell> got = list.takeAll();
                    for (TargetCell c : got) {
                        if (batchOf[c.pos] == batch) {
                            duplicates[0]++;
                        }
                        batchOf[c.pos] = batch;
                        taken[c.pos]++;
                        synchronized (c) {
                            c.snapshotDirty = false;
                        }
                    }
                    if (last && got.isEmpty()) {
                        return null;
                    }
                    if (got.isEmpty()) {
                        Thread.onSpinWait();
                    }
                }
            });
            List<Future<?>> adders = new ArrayList<>();
            for (int p = 0; p < producers; p++) {
                List<TargetCell> mine = cells.subList(p * perProducer, (p + 1) * perProducer);
                adders.add(pool.submit(() -> {
                    go.await();
                    for (int r = 0; r < rounds; r++) {
                        for (TargetCell c : mine) {
                            boolean add;
                            synchronized (c) {
                                add = !c.snapshotDirty;
                                c.snapshotDirty = true;
                            }
                            if (add) {
                                added.incrementAndGet(c.pos);
                                list.add(c);
                            }
                        }
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : adders) {
                f.get(30, TimeUnit.SECONDS);
            }
            producersDone.set(true);
            consumer.get(30, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }

        assertThat(duplicates[0]).as("a cell twice in one batch").isZero();
        for (TargetCell c : cells) {
            assertThat(added.get(c.pos)).as("adds of %s", c.id).isPositive();
            assertThat(taken[c.pos]).as("takes of %s", c.id).isEqualTo(added.get(c.pos));
            assertThat(c.snapshotDirty).isFalse();
        }
        assertThat(list.isEmpty()).isTrue();
    }
}
