package dev.watchpost.web;

import gg.jte.output.StringOutput;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What every value a page template writes goes through: escaped in text and attributes, refused where escaping is not enough. */
class HtmlOutputTest {

    private final StringOutput out = new StringOutput();
    private final HtmlOutput html = new HtmlOutput(out);

    @Test
    void textAndQuotedAttributesEscapeEveryCharacterThatCouldEndThem() {
        html.setContext("td", null);
        html.writeUserContent("<b>\"Tom\" & 'Jerry'</b>");
        html.setContext("a", "title");
        html.writeUserContent("\" onmouseover=\"alert(1)");
        assertThat(out.toString())
                .isEqualTo("&lt;b&gt;&quot;Tom&quot; &amp; &#39;Jerry&#39;&lt;/b&gt;&quot; onmouseover=&quot;alert(1)")
                .doesNotContain("<b>").doesNotContain("\"");
    }

    @Test
    void aLinkThatWouldRunScriptIsLeftEmptyAndAnOrdinaryOneIsKept() {
        html.setContext("a", "href");
        html.writeUserContent(" JavaScript:alert(1)");
        html.writeUserContent("data:text/html,<script>alert(1)</script>");
        assertThat(out.toString()).isEmpty();
        html.writeUserContent("/admin/target?id=a&b");
        assertThat(out.toString()).isEqualTo("/admin/target?id=a&amp;b");
    }

    @Test
    void aValueInAnEventHandlerOrAScriptOrStyleFailsTheRenderInsteadOfBeingWritten() {
        html.setContext("button", "onclick");
        assertThatThrownBy(() -> html.writeUserContent("x")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("onclick");
        html.setContext("script", null);
        assertThatThrownBy(() -> html.writeUserContent("x")).hasMessageContaining("<script>");
        html.setContext("style", null);
        assertThatThrownBy(() -> html.writeUserContent("x")).hasMessageContaining("<style>");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void nullWritesNothingAndTheTemplatesOwnMarkupIsWrittenAsIs() {
        html.setContext("td", null);
        html.writeUserContent((String) null);
        html.writeContent("<td class=\"x\">");
        assertThat(out.toString()).isEqualTo("<td class=\"x\">");
    }
}
