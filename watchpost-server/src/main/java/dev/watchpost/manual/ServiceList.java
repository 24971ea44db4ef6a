package dev.watchpost.manual;

import java.util.Objects;

/**
 * A named group of manual targets (Stashboard's service list), for pages and scripts that show
 * services by list. Presentation only: being in a list changes no state.
 *
 * @param slug        the key services refer to; see {@link Slugs}
 * @param description free text (required by Stashboard, so never empty when made through its API)
 */
public record ServiceList(String slug, String name, String description) {

    public ServiceList {
        Objects.requireNonNull(slug, "slug");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(description, "description");
        if (!Slugs.isSlug(slug)) {
            throw new IllegalArgumentException("list slug '" + slug + "' must be 1-64 characters of a-z, 0-9, '-'");
        }
    }
}
