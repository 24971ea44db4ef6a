package dev.watchpost.web;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** A page's bytes are what the JDK's UTF-8 encoder makes of the same text, however it was written. */
class PageBytesTest {

    @Test
    void textInEveryRangeEncodesAsTheJdkDoes() {
        String text = "ok <b>Shard 20</b> · 99.95 % — 2026-11-20 – 2026-11-21 … 😀 ünïcödé";
        PageBytes out = new PageBytes(4);
        out.writeBinaryContent("<p>".getBytes(StandardCharsets.UTF_8));
        out.writeContent(text);
        out.writeContent(text, 3, 18);
        out.writeBinaryContent("</p>".getBytes(StandardCharsets.UTF_8));
        assertThat(new String(out.toByteArray(), StandardCharsets.UTF_8))
                .isEqualTo("<p>" + text + text.substring(3, 18) + "</p>");
        assertThat(out.toByteArray()).isEqualTo(("<p>" + text + text.substring(3, 18) + "</p>").getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aLoneSurrogateBecomesAQuestionMarkAsWithTheJdk() {
        PageBytes out = new PageBytes(16);
        out.writeContent("a\uD83Db");
        assertThat(out.toByteArray()).isEqualTo("a\uD83Db".getBytes(StandardCharsets.UTF_8));
    }
}
