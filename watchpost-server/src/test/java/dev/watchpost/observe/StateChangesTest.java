package dev.watchpost.observe;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class StateChangesTest {

    @Test
    void reasonsAreQuotedSoTheyStayOneLineAndOneValue() {
        assertThat(StateChanges.quoted("reported offline")).isEqualTo("reported offline");
        assertThat(StateChanges.quoted("a \"b\" c\\d")).isEqualTo("a \\\"b\\\" c\\\\d");
        assertThat(StateChanges.quoted("one\ntwo\r\u0007\u2028")).isEqualTo("one\\ntwo\\r\\u0007\\u2028");
        assertThat(StateChanges.quoted("x".repeat(400))).hasSize(StateChanges.MAX_REASON + 1).endsWith("…");
    }
}
