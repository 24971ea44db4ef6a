package dev.watchpost.location;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The prober's disk buffer: files oldest first, kept across a restart, bounded by dropping the oldest. */
class ResultBufferTest {

    @TempDir
    Path dir;

    @Test
    void batchesComeBackOldestFirstAndSurviveANewBufferOnTheSameDirectory() throws Exception {
        ResultBuffer b = new ResultBuffer(dir, 1 << 20);
        assertThat(b.isEmpty()).isTrue();
        assertThat(b.append(results("t1", 2), 2_000)).isZero();
        assertThat(b.append(results("t2", 1), 1_000)).isZero(); // written later, dated earlier: the name orders it
        assertThat(b.append(List.of(), 3_000)).isZero();

        ResultBuffer again = new ResultBuffer(dir, 1 << 20); // as after a restart of the prober
        List<Path> files = again.files();
        assertThat(files).hasSize(2);
        assertThat(again.read(files.get(0))).extracting(n -> n.get("target").asText()).containsExactly("t2");
        assertThat(again.read(files.get(1))).extracting(n -> n.get("target").asText()).containsExactly("t1", "t1");
        assertThat(again.bytes()).isEqualTo(Files.size(files.get(0)) + Files.size(files.get(1)));
        again.delete(files.get(0));
        assertThat(again.files()).containsExactly(files.get(1));
        assertThat(again.read(dir.resolve("gone.jsonl"))).isEmpty();
    }

    @Test
    void pastItsCapTheOldestFilesGoAndTheirResultsAreCounted() throws Exception {
        long oneFile = Files.size(writeOne(dir.resolve("probe"), results("a", 10)));
        ResultBuffer b = new ResultBuffer(dir.resolve("buf"), oneFile * 2 + 10);
        assertThat(b.append(results("a", 10), 1)).isZero();
        assertThat(b.append(results("b", 10), 2)).isZero();
        assertThat(b.append(results("c", 10), 3)).isEqualTo(10);
        assertThat(b.files()).hasSize(2);
        assertThat(b.read(b.files().get(0)).get(0).get("target").asText()).isEqualTo("b");
        // One batch larger than the whole cap still stays: the newest is never dropped.
        ResultBuffer tiny = new ResultBuffer(dir.resolve("tiny"), 1);
        assertThat(tiny.append(results("x", 3), 1)).isZero();
        assertThat(tiny.append(results("y", 3), 2)).isEqualTo(3);
        assertThat(tiny.files()).hasSize(1);
    }

    private static Path writeOne(Path d, List<ObjectNode> results) throws Exception {
        ResultBuffer b = new ResultBuffer(d, Long.MAX_VALUE);
        b.append(results, 1);
        return b.files().get(0);
    }

    private static List<ObjectNode> results(String target, int n) {
        List<ObjectNode> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ObjectNode o = JsonNodeFactory.instance.objectNode();
            o.put("target", target);
            o.put("checked_at", "2026-03-01T12:00:0" + (i % 10) + "Z");
            o.put("outcome", "up");
            o.put("latency_ms", 12.5);
            o.put("reason", "status 200");
            out.add(o);
        }
        return out;
    }
}
