package dev.watchpost.composite;

import dev.watchpost.live.TargetView;

import java.util.List;
import java.util.Objects;

/**
 * What one declared part stands for at the moment of an assessment.
 *
 * @param part    the part as declared (a target id or a group id)
 * @param group   true when {@code part} names a group: {@code members} are its targets (nested groups
 *                and shards included); false when it names a target
 * @param members the current views; for a target part its one view, or none when the target does not exist
 */
record PartViews(String part, boolean group, List<TargetView> members) {

    PartViews {
        Objects.requireNonNull(part, "part");
        members = List.copyOf(members);
        if (!group && members.size() > 1) {
            throw new IllegalArgumentException("a target part has at most one view: " + part);
        }
    }

    static PartViews target(String id, TargetView view) {
        return new PartViews(id, false, view == null ? List.of() : List.of(view));
    }

    static PartViews group(String id, List<TargetView> members) {
        return new PartViews(id, true, members);
    }
}
