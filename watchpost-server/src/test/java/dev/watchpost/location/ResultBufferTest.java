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
        assertThat(b.append("batch_t1_000", results("t1", 2), 2_000)).isZero();
        assertThat(b.append("batch_t2_000", results("t2", 1), 1_000)).isZero(); // written later, dated earlier: the name orders it
        assertThat(b.append("batch_empty", List.of(), 3_000)).isZero();

        ResultBuffer again = new ResultBuffer(dir, 1 << 20); // as after a restart of the prober
        List<Path> files = again.files();
        assertThat(files).hasSize(2);
        assertThat(again.read(files.get(0))).extracting(n -> n.get("target").asText()).containsExactly("t2");
        assertThat(again.read(files.get(1))).extracting(n -> n.get("target").asText()).containsExactly("t1", "t1");
        // Each file keeps its batch's id, so a resend is known for the same batch.
        assertThat(ResultBuffer.batchId(files.get(0))).hasValue("batch_t2_000");
        assertThat(ResultBuffer.batchId(files.get(1))).hasValue("batch_t1_000");
        assertThat(again.bytes()).isEqualTo(Files.size(files.get(0)) + Files.size(files.get(1)));
        again.delete(files.get(0));
        assertThat(again.files()).containsExactly(files.get(1));
        assertThat(again.read(dir.resolve("gone.jsonl"))).isEmpty();
    }

    @Test
    void pastItsCapTheOldestFilesGoAndTheirResultsAreCounted() throws Exception {
        long oneFile = Files.size(writeOne(dir.resolve("probe"), results("a", 10)));
        ResultBuffer b = new ResultBuffer(dir.resolve("buf"), oneFile * 2 + 10);
        assertThat(b.append("batch_a_000", results("a", 10), 1)).isZero();
        assertThat(b.append("batch_b_000", results("b", 10), 2)).isZero();
        assertThat(b.append("batch_c_000", results("c", 10), 3)).isEqualTo(10);
        assertThat(b.files()).hasSize(2);
        assertThat(b.read(b.files().get(0)).get(0).get("target").asText()).isEqualTo("b");
        // One batch larger than the whole cap still stays: the newest is never dropped.
        ResultBuffer tiny = new ResultBuffer(dir.resolve("tiny"), 1);
        assertThat(tiny.append("batch_x_000", results("x", 3), 1)).isZero();
        assertThat(tiny.append("batch_y_000", results("y", 3), 2)).isEqualTo(3);
        assertThat(tiny.files()).hasSize(1);
    }

    @Test
    void aFileAnOlderProberWroteHasNoBatchIdAndABadIdIsNotWritten() throws Exception {
        Files.writeString(dir.resolve("000000000000001-000000000.jsonl"), "{\"target\":\"t\"}\n");
        ResultBuffer b = new ResultBuffer(dir, 1 << 20);
        assertThat(ResultBuffer.batchId(b.files().get(0))).isEmpty();
        assertThat(b.read(b.files().get(0))).hasSize(1);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> b.append("no-dashes", results("t", 1), 2))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static Path writeOne(Path d, List<ObjectNode> results) throws Exception {
        ResultBuffer b = new ResultBuffer(d, Long.MAX_VALUE);
        b.append("batch_one", results, 1);
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
