package dev.watchpost.web;

import gg.jte.TemplateOutput;

import java.util.Arrays;

/**
 * A page written straight into one growing UTF-8 byte array: the templates' text arrives already
 * encoded and is copied; values are encoded in place, ASCII (almost all of a page) a byte per
 * character. Neither a whole-page {@code String} nor a list of small arrays is made, so a 1 MB
 * status page costs one buffer and one final copy.
 */
final class PageBytes implements TemplateOutput {

    private byte[] buf;
    private int len;

    PageBytes(int capacity) {
        buf = new byte[Math.max(256, capacity)];
    }

    @Override
    public void writeContent(String s) {
        writeContent(s, 0, s.length());
    }

    @Override
    public void writeContent(String s, int begin, int end) {
        ensure((end - begin) * 3);
        byte[] b = buf;
        int n = len;
        for (int i = begin; i < end; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                b[n++] = (byte) c;
            } else if (c < 0x800) {
                b[n++] = (byte) (0xC0 | (c >> 6));
                b[n++] = (byte) (0x80 | (c & 0x3F));
            } else if (Character.isHighSurrogate(c) && i + 1 < end && Character.isLowSurrogate(s.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, s.charAt(++i));
                b[n++] = (byte) (0xF0 | (cp >> 18));
                b[n++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                b[n++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                b[n++] = (byte) (0x80 | (cp & 0x3F));
            } else if (Character.isSurrogate(c)) {
                b[n++] = '?'; // a lone surrogate is no character: what the JDK's encoder writes too
            } else {
                b[n++] = (byte) (0xE0 | (c >> 12));
                b[n++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                b[n++] = (byte) (0x80 | (c & 0x3F));
            }
        }
        len = n;
    }

    @Override
    public void writeBinaryContent(byte[] value) {
        ensure(value.length);
        System.arraycopy(value, 0, buf, len, value.length);
        len += value.length;
    }

    byte[] toByteArray() {
        return Arrays.copyOf(buf, len);
    }

    private void ensure(int more) {
        if (len + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
        }
    }
}
