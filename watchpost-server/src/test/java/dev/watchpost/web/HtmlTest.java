package dev.watchpost.web;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class HtmlTest {

    @Test
    void escapesTheFiveCharactersThatCanEndAContext() {
        assertThat(Html.escape("<script>alert('1')</script>\"&")).isEqualTo(
                "&lt;script&gt;alert(&#39;1&#39;)&lt;/script&gt;&quot;&amp;");
        assertThat(Html.escape("<a href=\"x\" onclick='y'>&</a>"))
                .isEqualTo("&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;");
    }

    @Test
    void replacesControlCharactersHtmlAndSvgDoNotAllow() {
        assertThat(Html.escape("a\u0000b\tc\nd\re")).isEqualTo("a\uFFFDb\tc\nd\re");
    }

    @Test
    void attributesAndTextAreEscapedRawIsNot() {
        assertThat(new Html().attr("value", "\"><img src=x onerror=alert(1)>").toString())
                .isEqualTo(" value=\"&quot;&gt;&lt;img src=x onerror=alert(1)&gt;\"");
        assertThat(new Html(16).raw("<p").attr("title", "\"><script>").raw(">").text("<b>").toString())
                .isEqualTo("<p title=\"&quot;&gt;&lt;script&gt;\">&lt;b&gt;");
    }
}
