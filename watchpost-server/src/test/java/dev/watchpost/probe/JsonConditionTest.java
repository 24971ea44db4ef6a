package dev.watchpost.probe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonConditionTest {

    private static final JsonNode DOC;

    static {
        try {
            DOC = new ObjectMapper().readTree("""
                    {"status": "ok", "n": 1.0, "items": [{"ready": true}, {"ready": false}],
                     "content-type": "json", "nothing": null, "code": "1"}""");
        } catch (Exception e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static Optional<String> eval(String expression) {
        return JsonCondition.parse(expression).failure(DOC);
    }

    @Test
    void holds() {
        assertThat(eval("$.status == \"ok\"")).isEmpty();
        assertThat(eval("$.status == 'ok'")).isEmpty();
        assertThat(eval("$.items[0].ready == true")).isEmpty();
        assertThat(eval("$.items[1].ready != true")).isEmpty();
        assertThat(eval("$.n == 1")).isEmpty();
        assertThat(eval("$.n >= 1")).isEmpty();
        assertThat(eval("$.n < 1.5")).isEmpty();
        assertThat(eval("$[\"content-type\"] == \"json\"")).isEmpty();
        assertThat(eval("$.nothing == null")).isEmpty();
        assertThat(eval("$.items[0].ready")).isEmpty();
        assertThat(eval("$.items")).isEmpty();
    }

    @Test
    void failsWithAReason() {
        assertThat(eval("$.status == \"down\"")).hasValue("$.status is \"ok\", expected == \"down\"");
        assertThat(eval("$.code == 1")).hasValue("$.code is \"1\", expected == 1");
        assertThat(eval("$.status > 3")).hasValue("$.status is \"ok\", expected > 3");
        assertThat(eval("$.missing.deeper == 1")).hasValue("$.missing.deeper not found");
        assertThat(eval("$.items[1].ready")).hasValue("$.items[1].ready is false");
        assertThat(eval("$.nothing")).hasValue("$.nothing is null");
        assertThat(eval("$.status[0]")).hasValue("$.status[0] not found");
    }

    @Test
    void rejectsWhatTheGrammarDoesNotCover() {
        assertThatThrownBy(() -> JsonCondition.parse("status == 1")).hasMessage("json condition 'status == 1': expected '$' at the start at position 0");
        assertThatThrownBy(() -> JsonCondition.parse("$.a = 1")).hasMessageContaining("expected an operator");
        assertThatThrownBy(() -> JsonCondition.parse("$.a == ok")).hasMessageContaining("expected a quoted string, a number, true, false or null");
        assertThatThrownBy(() -> JsonCondition.parse("$.items[*]")).hasMessageContaining("expected an array index");
        assertThatThrownBy(() -> JsonCondition.parse("$..a")).hasMessageContaining("expected a field name");
        assertThatThrownBy(() -> JsonCondition.parse("$.a == 1 2")).hasMessageContaining("unexpected text");
        assertThatThrownBy(() -> JsonCondition.parse("$.a == \"open")).hasMessageContaining("expected '\"'");
    }
}
