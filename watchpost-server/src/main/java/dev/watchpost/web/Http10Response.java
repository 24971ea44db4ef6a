package dev.watchpost.web;

import io.helidon.common.buffers.BufferData;

import java.io.ByteArrayOutputStream;

/**
 * One answer to an HTTP/1.0 request, made readable by a 1.0 client: HTTP/1.0 has no chunked
 * transfer coding, so when the server streams an answer of unknown length (the SSE stream) in
 * chunks, the {@code Transfer-Encoding} line is taken out of the head and the chunk framing out of
 * the body; the end of the connection, which follows every 1.0 answer, marks its end. Answers of known
 * length pass through untouched after their head. Used by one writer at a time; not thread-safe.
 */
final class Http10Response {

    private enum State { HEAD, PASS, SIZE, SIZE_LINE, DATA, DATA_CR, DATA_LF, DONE }

    private State state = State.HEAD;
    private final ByteArrayOutputStream head = new ByteArrayOutputStream(512);
    /** The last four head bytes, to find its end (CRLF CRLF). */
    private int last4;
    private long remaining;

    /** The bytes to send instead of {@code in} (possibly none). */
    BufferData filter(BufferData in) {
        if (state == State.PASS) {
            return in;
        }
        byte[] bytes = new byte[in.available()];
        in.read(bytes);
        ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length);
        int i = 0;
        while (i < bytes.length) {
            byte c = bytes[i];
            switch (state) {
                case HEAD -> {
                    head.write(c);
                    i++;
                    last4 = (last4 << 8) | (c & 0xff);
                    if (last4 == 0x0d0a0d0a) {
                        String text = head.toString(java.nio.charset.StandardCharsets.ISO_8859_1);
                        String without = text.replaceAll("(?im)^transfer-encoding:\\s*chunked\\s*\r\n", "");
                        out.writeBytes(without.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
                        state = without.length() == text.length() ? State.PASS : State.SIZE;
                        if (state == State.PASS) {
                            out.write(bytes, i, bytes.length - i);
                            i = bytes.length;
                        }
                    }
                }
                case SIZE -> {
                    int h = Character.digit(c, 16);
                    if (h >= 0) {
                        remaining = remaining * 16 + h;
                    } else {
                        state = State.SIZE_LINE;
                        continue; // look at this byte again as part of the rest of the line
                    }
                    i++;
                }
                case SIZE_LINE -> {
                    if (c == '\n') {
                        state = remaining == 0 ? State.DONE : State.DATA;
                    }
                    i++;
                }
                case DATA -> {
                    int n = (int) Math.min(remaining, bytes.length - i);
                    out.write(bytes, i, n);
                    i += n;
                    remaining -= n;
                    if (remaining == 0) {
                        state = State.DATA_CR;
                    }
                }
                case DATA_CR -> {
                    state = State.DATA_LF;
                    i++;
                }
                case DATA_LF -> {
                    state = State.SIZE;
                    i++;
                }
                case PASS -> {
                    out.write(bytes, i, bytes.length - i);
                    i = bytes.length;
                }
                case DONE -> i = bytes.length; // the last chunk's trailer section: nothing a 1.0 client reads
            }
        }
        return BufferData.create(out.toByteArray());
    }
}
