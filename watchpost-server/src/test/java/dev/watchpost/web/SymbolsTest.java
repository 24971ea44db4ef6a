package dev.watchpost.web;

import dev.watchpost.live.State;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The status page's stylesheet and the dashboard draw each state with the same symbol. */
class SymbolsTest {

    @Test
    void thePagesStylesheetDrawsEveryStateWithTheSharedSymbol() throws Exception {
        String css;
        try (InputStream in = SymbolsTest.class.getResourceAsStream("/page/page.css")) {
            css = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Map<String, String> drawn = new HashMap<>();
        Matcher m = Pattern.compile("\\[data-state=\"([a-z]+)\"\\] \\{[^}]*--g: \"([^\"]*)\"").matcher(css);
        while (m.find()) {
            drawn.put(m.group(1), m.group(2));
        }
        for (State s : State.values()) {
            assertThat(drawn.get(s.id())).as("page.css symbol of %s", s.id()).isEqualTo(Symbols.of(s));
        }
    }
}
