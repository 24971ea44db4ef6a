package dev.watchpost.compat.stashboard;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The status icons Stashboard offered, by name: what {@code GET .../status-images} lists and what a
 * status's {@code image} must name (Stashboard refused other names with 400). Watchpost serves no icon
 * files; clients that draw icons bring their own, looked up by name and set.
 */
final class StatusImages {

    /** One icon: its name (what a status refers to) and the set it came from ({@code fugue}, {@code iconic}). */
    record Image(String name, String iconSet) {
    }

    private static final List<Image> ALL = load();

    private StatusImages() {
    }

    /** Every icon, in Stashboard's order. */
    static List<Image> all() {
        return ALL;
    }

    static Optional<Image> named(String name) {
        return ALL.stream().filter(i -> i.name().equals(name)).findFirst();
    }

    private static List<Image> load() {
        try (InputStream in = Objects.requireNonNull(StatusImages.class.getResourceAsStream("status-images.txt"),
                "status-images.txt is missing from the build");
             BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            List<Image> out = new ArrayList<>();
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                String l = line.strip();
                if (l.isEmpty() || l.startsWith("#")) {
                    continue;
                }
                String[] parts = l.split("\\s+");
                if (parts.length != 2) {
                    throw new IllegalStateException("status-images.txt: expected '<set> <name>', got '" + l + "'");
                }
                out.add(new Image(parts[1], parts[0]));
            }
            return List.copyOf(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
