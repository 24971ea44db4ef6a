package dev.watchpost.web;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;

/**
 * The pages' templates ({@code src/main/jte/<feature>/<name>.jte}), compiled to Java classes at
 * build time into the package of their feature ({@code page/status.jte} is
 * {@code dev.watchpost.page.JtestatusGenerated}), so they take that package's view models as they are.
 * One engine for the whole server: it only looks classes up, nothing is compiled at run time.
 */
public final class Templates {

    private static final TemplateEngine HTML = TemplateEngine.createPrecompiled(null, ContentType.Html,
            Templates.class.getClassLoader(), "dev.watchpost");

    private Templates() {
    }

    /**
     * Renders {@code name} (for example {@code "page/status.jte"}) with its one parameter.
     *
     * @param capacity a guess of the output's length in characters, so large pages are not copied as they grow
     */
    public static String render(String name, Object model, int capacity) {
        StringOutput out = new StringOutput(capacity);
        HTML.render(name, model, new HtmlOutput(out));
        return out.toString();
    }

    public static String render(String name, Object model) {
        return render(name, model, 8_192);
    }

    /**
     * {@link #render} as UTF-8, what a response sends: written as bytes from the start, so the
     * templates' text (encoded once, at build time) is copied, not encoded again for every page.
     */
    public static byte[] bytes(String name, Object model, int capacity) {
        PageBytes out = new PageBytes(capacity);
        HTML.render(name, model, new HtmlOutput(out));
        return out.toByteArray();
    }
}
