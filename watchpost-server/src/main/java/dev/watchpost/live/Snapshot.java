package dev.watchpost.live;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Everything readers show, frozen at one moment: never changes after it is built, so any number
 * of readers can use it without locks. {@link #version()} increases with every rebuild and serves
 * as an ETag.
 */
public final class Snapshot {

    private final long version;
    private final Instant generatedAt;
    private final TargetView[] targets; // registration order; null where a target was removed
    private final List<GroupView> groups;
    private volatile byte[] json;
    private volatile byte[] gzip;

    Snapshot(long version, Instant generatedAt, TargetView[] targets, List<GroupView> groups) {
        this.version = version;
        this.generatedAt = Objects.requireNonNull(generatedAt);
        this.targets = targets;
        this.groups = List.copyOf(groups);
    }

    public long version() {
        return version;
    }

    public Instant generatedAt() {
        return generatedAt;
    }

    public List<GroupView> groups() {
        return groups;
    }

    /** Visits every target in registration order. */
    public void forEachTarget(Consumer<TargetView> action) {
        for (TargetView v : targets) {
            if (v != null) {
                action.accept(v);
            }
        }
    }

    public List<TargetView> targets() {
        return Arrays.stream(targets).filter(Objects::nonNull).toList();
    }

    /**
     * Serialised form cached with the snapshot, so that every reader of one version shares one
     * encoding. {@code encoder} runs at most once per snapshot in the common case.
     */
    public byte[] json(java.util.function.Function<Snapshot, byte[]> encoder) {
        byte[] j = json;
        if (j == null) {
            j = encoder.apply(this);
            json = j;
        }
        return j;
    }

    /**
     * The same JSON gzip-compressed, also cached: status pages poll this, and JSON of many similar
     * targets shrinks about tenfold, which is what makes large snapshots cheap to serve.
     */
    public byte[] gzip(java.util.function.Function<Snapshot, byte[]> encoder) {
        byte[] z = gzip;
        if (z == null) {
            byte[] plain = json(encoder);
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(plain.length / 8 + 64);
            try (java.util.zip.GZIPOutputStream gz = new java.util.zip.GZIPOutputStream(out, 8192) {
                {
                    def.setLevel(java.util.zip.Deflater.BEST_SPEED);
                }
            }) {
                gz.write(plain);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            z = out.toByteArray();
            gzip = z;
        }
        return z;
    }
}
