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
    private final long structure;
    private final Visibility visibility;
    private final long mark;
    private volatile byte[] json;
    private volatile byte[] gzip;
    private volatile Snapshot publicView;

    Snapshot(long version, Instant generatedAt, TargetView[] targets, List<GroupView> groups, long structure,
             Visibility visibility, long mark) {
        this.mark = mark;
        this.version = version;
        this.generatedAt = Objects.requireNonNull(generatedAt);
        this.targets = targets;
        this.groups = List.copyOf(groups);
        this.structure = structure;
        this.visibility = Objects.requireNonNull(visibility);
    }

    /** The targets' array itself, never changed after construction: a snapshot that differs only in its mark shares it. */
    TargetView[] targetArray() {
        return targets;
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

    /**
     * Which targets and groups exist, as a number that changes whenever one is defined, changed or
     * removed (and only then): what is derived from the structure alone can be kept until it changes.
     */
    public long structure() {
        return structure;
    }

    /**
     * The live feed's position this snapshot is known to include: every change the feed had published
     * up to here was applied before this snapshot read the targets (see {@link LiveState#markSnapshotsWith}).
     * A viewer holding this snapshot needs only the feed's events after it.
     */
    public long mark() {
        return mark;
    }

    /** What of this snapshot anonymous readers may see. */
    public Visibility visibility() {
        return visibility;
    }

    /**
     * This snapshot as readers without a token see it: without private targets and groups, group
     * counts without what is hidden in them. The snapshot itself when nothing is private; otherwise
     * built once (O(targets)) and shared by every anonymous reader of this version. Its JSON and gzip
     * encodings are cached separately from this one's.
     */
    public Snapshot publicView() {
        if (visibility.everythingPublic()) {
            return this;
        }
        Snapshot p = publicView;
        if (p == null) {
            p = visibility.filter(this);
            publicView = p;
        }
        return p;
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
