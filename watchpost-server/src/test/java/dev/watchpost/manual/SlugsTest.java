package dev.watchpost.manual;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SlugsTest {

    @Test
    void whitespaceDotsAndUnderscoresBecomeDashesOtherPunctuationIsDropped() {
        assertThat(Slugs.of("Hello World.v2_x!")).isEqualTo("hello-world-v2-x");
        assertThat(Slugs.of("API (v2) & Co")).isEqualTo("api-v2--co");
        assertThat(Slugs.of("Tabs\tand\nnewlines")).isEqualTo("tabs-and-newlines");
    }

    @Test
    void repeatedDashesAreKeptAsStashboardKeptThemButNoneIsLeftAtTheEnds() {
        assertThat(Slugs.of("Web--Front")).isEqualTo("web--front");
        assertThat(Slugs.of("  --Web -- front--  ")).isEqualTo("web----front");
        assertThat(Slugs.of("a . _ b")).isEqualTo("a-----b");
        assertThat(Slugs.of("a  \t b")).as("a run of whitespace is one dash").isEqualTo("a-b");
        assertThat(Slugs.of("a - b")).isEqualTo("a---b");
        assertThat(Slugs.of("a...b__c")).as("each dot and underscore is a dash").isEqualTo("a---b--c");
        assertThat(Slugs.of("_.Web._")).isEqualTo("web");
    }

    @Test
    void accentsAreFoldedAndOtherScriptsDropped() {
        assertThat(Slugs.of("Café Über")).isEqualTo("cafe-uber");
        assertThat(Slugs.of("東京 Tokyo")).isEqualTo("tokyo");
    }

    @Test
    void aNameWithNothingToKeepHasAnEmptySlug() {
        assertThat(Slugs.of("!!! ???")).isEmpty();
        assertThat(Slugs.of("")).isEmpty();
    }

    @Test
    void slugsAreAtMost64CharactersAndNeverEndInADash() {
        String slug = Slugs.of("a".repeat(63) + " b" + "c".repeat(20));
        assertThat(slug).hasSize(63).isEqualTo("a".repeat(63));
        assertThat(Slugs.of("x".repeat(100))).hasSize(64);
        assertThat(Slugs.isSlug(slug)).isTrue();
    }

    @Test
    void isSlugAcceptsOnlyWhatOfProduces() {
        assertThat(Slugs.isSlug("up")).isTrue();
        assertThat(Slugs.isSlug("planned-work")).isTrue();
        assertThat(Slugs.isSlug("web--front")).isTrue();
        assertThat(Slugs.isSlug("Up")).isFalse();
        assertThat(Slugs.isSlug("-up")).isFalse();
        assertThat(Slugs.isSlug("a_b")).isFalse();
        assertThat(Slugs.isSlug("")).isFalse();
    }
}
