package dev.watchpost.web;

import java.nio.charset.StandardCharsets;

/**
 * A chunked request body (RFC 9112 section 7.1) read strictly and passed on re-framed: chunk
 * extensions (valid, but not understood by the server behind) and trailer fields are dropped, every
 * chunk size is plain hexadecimal. Not thread-safe: one per connection, used by its reading thread.
 */
final class ChunkedBody {

    /** A malformed chunked body; the message says what was wrong. */
    static final class Malformed extends Exception {
        Malformed(String message) {
            super(message, null, false, false);
        }
    }

    private enum State { SIZE, SIZE_WS, EXT, SIZE_LF, DATA, DATA_CR, DATA_LF, TRAILER, TRAILER_LINE, TRAILER_LF, FINAL_LF, DONE }

    private static final byte[] LAST = "0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    /** More hex digits than this cannot be a size any server accepts. */
    private static final int MAX_SIZE_DIGITS = 12;
    private static final int MAX_LINE = 4096;

    private final long limit;
    private State state = State.SIZE;
    private long size;
    private int digits;
    private int lineLength;
    private long remaining;
    private long total;
    private boolean truncated;

    /** @param limit body bytes passed on; one more is passed and the body then ended, so the server answers 413 */
    ChunkedBody(long limit) {
        this.limit = limit;
    }

    /** The whole body arrived (the last chunk and its trailer section). */
    boolean done() {
        return state == State.DONE;
    }

    /** The body was longer than the limit and was cut short: the rest of it is still on the connection. */
    boolean truncated() {
        return truncated;
    }

    /** Number of bytes of {@code in} consumed by the last {@link #decode} call. */
    int consumed;

    /**
     * Reads {@code in[from, to)} and returns what to pass on (possibly empty), stopping at the end of the
     * body; {@link #consumed} tells how much of the input was used.
     */
    byte[] decode(byte[] in, int from, int to) throws Malformed {
        // output: at most one re-framed chunk per input segment, plus the last chunk
        byte[] out = null;
        int outLength = 0;
        int i = from;
        while (i < to && state != State.DONE && !truncated) {
            byte c = in[i];
            switch (state) {
                case SIZE -> {
                    int h = hex(c);
                    if (h >= 0) {
                        if (++digits > MAX_SIZE_DIGITS) {
                            throw new Malformed("a chunk size is too long");
                        }
                        size = size * 16 + h;
                    } else if (digits == 0) {
                        throw new Malformed("a chunk size must be hexadecimal digits");
                    } else if (c == ';') {
                        state = State.EXT;
                    } else if (c == ' ' || c == '\t') {
                        state = State.SIZE_WS;
                    } else if (c == '\r') {
                        state = State.SIZE_LF;
                    } else {
                        throw new Malformed("a chunk size must be hexadecimal digits");
                    }
                    i++;
                }
                case SIZE_WS -> {
                    if (c == ';') {
                        state = State.EXT;
                    } else if (c == '\r') {
                        state = State.SIZE_LF;
                    } else if (c != ' ' && c != '\t') {
                        throw new Malformed("a chunk size must be hexadecimal digits");
                    }
                    i++;
                }
                case EXT -> {
                    // chunk extensions are allowed and ignored; they may not hold control characters
                    if (c == '\r') {
                        state = State.SIZE_LF;
                    } else if ((c >= 0 && c < ' ' && c != '\t') || c == 0x7f) {
                        throw new Malformed("a chunk extension contains a control character");
                    } else if (++lineLength > MAX_LINE) {
                        throw new Malformed("a chunk extension is too long");
                    }
                    i++;
                }
                case SIZE_LF -> {
                    if (c != '\n') {
                        throw new Malformed("a chunk size line must end with CRLF");
                    }
                    i++;
                    lineLength = 0;
                    if (size == 0) {
                        state = State.TRAILER;
                    } else {
                        remaining = size;
                        state = State.DATA;
                    }
                    size = 0;
                    digits = 0;
                }
                case DATA -> {
                    long allowed = limit + 1 - total;
                    int n = (int) Math.min(Math.min(remaining, to - i), allowed);
                    if (out == null) {
                        out = new byte[Math.min(to - i, (int) Math.min(remaining, Integer.MAX_VALUE - 64)) + 40 + LAST.length];
                    }
                    out = ensure(out, outLength, n + 20 + LAST.length);
                    byte[] header = (Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII);
                    System.arraycopy(header, 0, out, outLength, header.length);
                    outLength += header.length;
                    System.arraycopy(in, i, out, outLength, n);
                    outLength += n;
                    out[outLength++] = '\r';
                    out[outLength++] = '\n';
                    i += n;
                    remaining -= n;
                    total += n;
                    if (total > limit) {
                        truncated = true;
                    } else if (remaining == 0) {
                        state = State.DATA_CR;
                    }
                }
                case DATA_CR -> {
                    if (c != '\r') {
                        throw new Malformed("chunk data must be followed by CRLF (the chunk is longer than its size)");
                    }
                    state = State.DATA_LF;
                    i++;
                }
                case DATA_LF -> {
                    if (c != '\n') {
                        throw new Malformed("chunk data must be followed by CRLF");
                    }
                    state = State.SIZE;
                    i++;
                }
                case TRAILER -> {
                    // after the last chunk: an empty line, or trailer fields (dropped) each ending with CRLF
                    if (c == '\r') {
                        state = State.FINAL_LF;
                    } else if (c == ' ' || c == '\t' || c == '\n') {
                        throw new Malformed("a malformed trailer field after the last chunk");
                    } else {
                        state = State.TRAILER_LINE;
                        lineLength = 1;
                    }
                    i++;
                }
                case TRAILER_LINE -> {
                    if (c == '\r') {
                        state = State.TRAILER_LF;
                    } else if ((c >= 0 && c < ' ' && c != '\t') || c == 0x7f || ++lineLength > MAX_LINE) {
                        throw new Malformed("a malformed trailer field after the last chunk");
                    }
                    i++;
                }
                case TRAILER_LF -> {
                    if (c != '\n') {
                        throw new Malformed("a trailer field must end with CRLF");
                    }
                    state = State.TRAILER;
                    i++;
                }
                case FINAL_LF -> {
                    if (c != '\n') {
                        throw new Malformed("the chunked body must end with CRLF");
                    }
                    state = State.DONE;
                    i++;
                }
                default -> throw new IllegalStateException(state.name());
            }
        }
        consumed = i - from;
        if (state == State.DONE || truncated) {
            out = ensure(out == null ? new byte[LAST.length] : out, outLength, LAST.length);
            System.arraycopy(LAST, 0, out, outLength, LAST.length);
            outLength += LAST.length;
        }
        if (out == null) {
            return EMPTY;
        }
        return outLength == out.length ? out : java.util.Arrays.copyOf(out, outLength);
    }

    static final byte[] EMPTY = new byte[0];

    private static byte[] ensure(byte[] b, int length, int more) {
        return length + more <= b.length ? b : java.util.Arrays.copyOf(b, Math.max(b.length * 2, length + more));
    }

    private static int hex(byte c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }
}
