package dev.watchpost.location;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A prober's results that the server has not taken yet, on disk: one file per batch (at most
 * {@link ResultBatch#MAX_RESULTS} results, one JSON object a line, exactly as the batch sends them),
 * named by when it was written, so the oldest goes first, and by the batch's id, so a batch sent
 * again after its answer was lost carries the id it had (the server then applies it once). On disk rather than in memory so that a
 * prober stopped or killed during an outage still delivers them when it starts again.
 *
 * <p>Bounded: past {@code capBytes} the oldest files are dropped, and the count of results lost is
 * returned so the caller can say so. A file is written to a temporary name and moved into place,
 * so a kill mid-write leaves no half file behind. Used by one thread (the prober's sender).
 */
final class ResultBuffer {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String SUFFIX = ".jsonl";
    /** A batch id as kept in a file's name: no '-', which separates the name's parts. */
    private static final java.util.regex.Pattern ID = java.util.regex.Pattern.compile("[A-Za-z0-9_]{8,64}");

    private final Path dir;
    private final long capBytes;
    private long bytes;
    private long sequence;

    ResultBuffer(Path dir, long capBytes) {
        this.dir = dir;
        this.capBytes = capBytes;
        try {
            Files.createDirectories(dir);
            for (Path f : files()) {
                bytes += Files.size(f);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot use " + dir + " as the prober's buffer: " + e.getMessage(), e);
        }
    }

    Path dir() {
        return dir;
    }

    boolean isEmpty() {
        return files().isEmpty();
    }

    /**
     * Appends one batch's results as a file of its own (at most {@link ResultBatch#MAX_RESULTS}).
     *
     * @return how many results older files held that were dropped to stay under the cap
     */
    long append(String batchId, List<ObjectNode> results, long nowMs) throws IOException {
        if (!ID.matcher(batchId).matches()) {
            throw new IllegalArgumentException("a batch id is letters, digits and '_' (got '" + batchId + "')");
        }
        if (results.isEmpty()) {
            return 0;
        }
        StringBuilder text = new StringBuilder(results.size() * 160);
        for (ObjectNode r : results) {
            text.append(MAPPER.writeValueAsString(r)).append('\n');
        }
        byte[] body = text.toString().getBytes(StandardCharsets.UTF_8);
        // Zero-padded time then a sequence: the names sort as the files were written; then the batch's id.
        String name = String.format("%015d-%09d-%s", nowMs, sequence++ % 1_000_000_000L, batchId);
        Path tmp = dir.resolve(name + ".tmp");
        Files.write(tmp, body);
        Files.move(tmp, dir.resolve(name + SUFFIX), StandardCopyOption.ATOMIC_MOVE);
        bytes += body.length;
        long dropped = 0;
        List<Path> files = files();
        for (int i = 0; bytes > capBytes && i < files.size() - 1; i++) { // the newest file always stays
            dropped += read(files.get(i)).size();
            delete(files.get(i));
        }
        return dropped;
    }

    /** The files waiting, oldest first. */
    List<Path> files() {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(SUFFIX)).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** The id of the batch a file holds; empty for a file an older prober wrote, which named none. */
    static java.util.Optional<String> batchId(Path file) {
        String name = file.getFileName().toString();
        String[] parts = name.substring(0, name.length() - SUFFIX.length()).split("-", 3);
        return parts.length == 3 && ID.matcher(parts[2]).matches() ? java.util.Optional.of(parts[2])
                : java.util.Optional.empty();
    }

    /** A file's results; a line that cannot be read (a disk fault) is skipped, not fatal. */
    List<ObjectNode> read(Path file) {
        List<ObjectNode> out = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                try {
                    JsonNode n = MAPPER.readTree(line);
                    if (n instanceof ObjectNode o) {
                        out.add(o);
                    }
                } catch (IOException ignored) {
                    // a damaged line: the others still go
                }
            }
        } catch (IOException ignored) {
            // gone or unreadable: nothing to send from it
        }
        return out;
    }

    void delete(Path file) {
        try {
            long size = Files.size(file);
            Files.deleteIfExists(file);
            bytes = Math.max(0, bytes - size);
        } catch (IOException ignored) {
            // already gone
        }
    }

    long bytes() {
        return bytes;
    }
}
