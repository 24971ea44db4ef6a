package dev.watchpost.web;

import java.nio.charset.StandardCharsets;

/**
 * Strict reading of an HTTP/1.x request head (request line and header fields, RFC 9112 sections 2–7),
 * done once, before the server's own parser sees it.
 *
 * <p>Only what decides where a message ends is judged here: anything two parsers could read two ways
 * (Content-Length beside Transfer-Encoding, differing or signed lengths, an unknown coding, folded or
 * space-before-colon fields, bare CR or LF) is refused, because a proxy in front may have read it the
 * other way and passed a second request inside the body. An HTTP/1.0 head is rewritten to HTTP/1.1
 * with {@code Connection: close} (and a {@code Host} when it has none), which is how the server
 * answers it; everything else about the request is left to the server.
 */
final class RequestHead {

    /** What an accepted head says about the message that follows it. */
    record Accepted(
            /** the head to hand on: the received bytes, or a rewritten HTTP/1.0 head */
            byte[] bytes, int offset, int length,
            /** -1 when there is no Content-Length */
            long contentLength,
            boolean chunked,
            /** an HTTP/1.1 request with {@code Expect: 100-continue}: its body may never come */
            boolean expectContinue,
            /** HTTP/1.0 or {@code Connection: close}: the connection ends after this request */
            boolean lastOnConnection,
            /** an HTTP/1.0 request: its answer must not be chunked */
            boolean http10) {
    }

    /** A head refused with {@code status} and a message saying what was wrong. */
    record Rejected(int status, String message) {
    }

    private static final byte CR = '\r';
    private static final byte LF = '\n';
    private static final int MAX_LENGTH_DIGITS = 18; // fits a long

    private RequestHead() {
    }

    /**
     * Finds the end of a head starting at {@code from}: the index just past its empty line, or -1 when
     * it has not all arrived. Only CRLF ends lines here; a bare LF is refused later by {@link #read}.
     */
    static int end(byte[] b, int from, int to) {
        for (int i = Math.max(from + 3, 3); i < to; i++) {
            if (b[i] == LF && b[i - 1] == CR && b[i - 2] == LF && b[i - 3] == CR) {
                return i + 1;
            }
        }
        return -1;
    }

    /**
     * Reads the head in {@code b[start, end)} (ending with its empty line).
     *
     * @param localHost the {@code Host} to add to an HTTP/1.0 request that names none
     * @return {@link Accepted} or {@link Rejected}
     */
    static Object read(byte[] b, int start, int end, java.util.function.Supplier<String> localHost) {
        int lineEnd = lineEnd(b, start, end);
        if (lineEnd < 0) {
            return bareLineBreak();
        }
        // request-line = method SP request-target SP HTTP-version
        int sp1 = indexOf(b, start, lineEnd, (byte) ' ');
        int sp2 = sp1 < 0 ? -1 : indexOf(b, sp1 + 1, lineEnd, (byte) ' ');
        if (sp1 <= start || sp2 <= sp1 + 1 || indexOf(b, sp2 + 1, lineEnd, (byte) ' ') >= 0) {
            return new Rejected(400, "the request line must be: method, one space, target, one space, HTTP version");
        }
        for (int i = start; i < sp1; i++) {
            if (!tchar(b[i])) {
                return new Rejected(400, "the method is not a token");
            }
        }
        for (int i = sp1 + 1; i < sp2; i++) {
            if (b[i] <= ' ' || b[i] == 0x7f) {
                return new Rejected(400, "the request target contains a control character");
            }
        }
        int version = version(b, sp2 + 1, lineEnd);
        if (version == -1) {
            return new Rejected(400, "the HTTP version must be written HTTP/1.1 or HTTP/1.0");
        }
        // A later 1.x is backwards compatible with 1.1 by definition (RFC 9110 section 2.5): served as 1.1.
        // Another major version (HTTP/2.0 as text, HTTP/0.9) is not.
        boolean laterMinor = version > 11 && version < 20;
        if (version != 10 && version != 11 && !laterMinor) {
            return new Rejected(505, "HTTP version not supported; use HTTP/1.1 or HTTP/1.0");
        }

        long contentLength = -1;
        int contentLengths = 0;
        int transferEncodings = 0;
        boolean chunkedLast = false;
        int chunkedCount = 0;
        boolean otherCoding = false;
        int hosts = 0;
        boolean expectContinue = false;
        boolean close = false;
        for (int line = lineEnd + 2; line < end - 2; ) {
            int le = lineEnd(b, line, end);
            if (le < 0) {
                return bareLineBreak();
            }
            if (b[line] == ' ' || b[line] == '\t') {
                return new Rejected(400, "folded header lines (a line starting with a space) are not accepted");
            }
            int colon = indexOf(b, line, le, (byte) ':');
            if (colon <= line) {
                return new Rejected(400, "a header line has no name followed by ':'");
            }
            for (int i = line; i < colon; i++) {
                if (!tchar(b[i])) {
                    return new Rejected(400, b[i] == ' ' || b[i] == '\t'
                            ? "no space is allowed between a header name and its ':'"
                            : "a header name contains a character that is not allowed");
                }
            }
            int vs = colon + 1;
            int ve = le;
            while (vs < ve && (b[vs] == ' ' || b[vs] == '\t')) {
                vs++;
            }
            while (ve > vs && (b[ve - 1] == ' ' || b[ve - 1] == '\t')) {
                ve--;
            }
            for (int i = vs; i < ve; i++) {
                if ((b[i] >= 0 && b[i] < ' ' && b[i] != '\t') || b[i] == 0x7f) {
                    return new Rejected(400, "a header value contains a control character");
                }
            }
            int nameLength = colon - line;
            if (is(b, line, nameLength, "content-length")) {
                contentLengths++;
                if (contentLengths > 1) {
                    return new Rejected(400, "Content-Length appears more than once");
                }
                contentLength = digits(b, vs, ve);
                if (contentLength < 0) {
                    return new Rejected(400, "Content-Length must be a decimal number of bytes (digits only)");
                }
            } else if (is(b, line, nameLength, "transfer-encoding")) {
                transferEncodings++;
                // a comma-separated list of codings, possibly over several fields; chunked must come last, once
                int i = vs;
                while (i < ve) {
                    int comma = indexOf(b, i, ve, (byte) ',');
                    int te = comma < 0 ? ve : comma;
                    int ts = i;
                    while (ts < te && (b[ts] == ' ' || b[ts] == '\t')) {
                        ts++;
                    }
                    int tEnd = te;
                    while (tEnd > ts && (b[tEnd - 1] == ' ' || b[tEnd - 1] == '\t')) {
                        tEnd--;
                    }
                    if (tEnd > ts) {
                        boolean chunked = is(b, ts, tEnd - ts, "chunked");
                        if (chunked) {
                            chunkedCount++;
                        } else {
                            otherCoding = true;
                        }
                        chunkedLast = chunked;
                    }
                    i = te + 1;
                }
            } else if (is(b, line, nameLength, "host")) {
                hosts++;
            } else if (is(b, line, nameLength, "expect")) {
                expectContinue = is(b, vs, ve - vs, "100-continue");
            } else if (is(b, line, nameLength, "connection")) {
                close |= hasToken(b, vs, ve, "close");
            }
            line = le + 2;
        }

        if (transferEncodings > 0) {
            if (version == 10) {
                return new Rejected(400, "Transfer-Encoding is not allowed in an HTTP/1.0 request");
            }
            if (contentLengths > 0) {
                return new Rejected(400, "a request must not have both Content-Length and Transfer-Encoding");
            }
            if (!chunkedLast || chunkedCount != 1) {
                return new Rejected(400, "Transfer-Encoding must end with chunked, given once");
            }
            if (otherCoding) {
                return new Rejected(501, "only the chunked transfer coding is supported");
            }
        }
        if (hosts > 1) {
            return new Rejected(400, "Host appears more than once");
        }
        if (version >= 11) {
            if (hosts == 0) {
                return new Rejected(400, "an HTTP/1.1 request must have a Host header");
            }
            if (laterMinor) {
                byte[] head = java.util.Arrays.copyOfRange(b, start, end);
                head[lineEnd - start - 1] = '1'; // HTTP/1.x -> HTTP/1.1: the server behind speaks only 1.0 and 1.1
                b = head;
                start = 0;
            }
            // the server answers "Connection: close" with the same but would then wait for the client to close
            return new Accepted(b, start, end - start, contentLength, transferEncodings > 0, expectContinue, close, false);
        }
        byte[] head = http10(b, start, lineEnd, sp2, end, hosts == 0 ? localHost.get() : null);
        return new Accepted(head, 0, head.length, contentLength, false, false, true, true);
    }

    /**
     * An HTTP/1.0 head as the equivalent HTTP/1.1 one: version 1.1, the hop-by-hop fields of 1.0
     * ({@code Connection}, {@code Keep-Alive}) and what 1.0 does not have ({@code Expect}, {@code Upgrade})
     * dropped, {@code Connection: close} added, as 1.0 without keep-alive means.
     */
    private static byte[] http10(byte[] b, int start, int lineEnd, int sp2, int end, String addHost) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(end - start + 64);
        out.write(b, start, sp2 + 1 - start);
        out.writeBytes("HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));
        for (int line = lineEnd + 2; line < end - 2; ) {
            int le = lineEnd(b, line, end);
            int colon = indexOf(b, line, le, (byte) ':');
            int n = colon - line;
            if (!is(b, line, n, "connection") && !is(b, line, n, "keep-alive") && !is(b, line, n, "expect")
                    && !is(b, line, n, "upgrade") && !is(b, line, n, "proxy-connection")) {
                out.write(b, line, le + 2 - line);
            }
            line = le + 2;
        }
        if (addHost != null) {
            out.writeBytes(("Host: " + addHost + "\r\n").getBytes(StandardCharsets.US_ASCII));
        }
        out.writeBytes("Connection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    /** Whether the comma-separated list in {@code b[from, to)} holds {@code lower} (case-insensitively). */
    private static boolean hasToken(byte[] b, int from, int to, String lower) {
        int i = from;
        while (i < to) {
            int comma = indexOf(b, i, to, (byte) ',');
            int te = comma < 0 ? to : comma;
            int ts = i;
            while (ts < te && (b[ts] == ' ' || b[ts] == '\t')) {
                ts++;
            }
            int tEnd = te;
            while (tEnd > ts && (b[tEnd - 1] == ' ' || b[tEnd - 1] == '\t')) {
                tEnd--;
            }
            if (is(b, ts, tEnd - ts, lower)) {
                return true;
            }
            i = te + 1;
        }
        return false;
    }

    private static Rejected bareLineBreak() {
        return new Rejected(400, "lines of the request head must end with CRLF (a bare CR or LF was found)");
    }

    /** Index of the CR of the CRLF ending the line that starts at {@code from}; -1 on a bare CR or LF. */
    private static int lineEnd(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] == CR) {
                return i + 1 < to && b[i + 1] == LF ? i : -1;
            }
            if (b[i] == LF) {
                return -1;
            }
        }
        return -1;
    }

    private static int indexOf(byte[] b, int from, int to, byte c) {
        for (int i = from; i < to; i++) {
            if (b[i] == c) {
                return i;
            }
        }
        return -1;
    }

    /** 10 or 11 for HTTP/1.0 and HTTP/1.1, another two-digit number for a well-formed other version, -1 if malformed. */
    private static int version(byte[] b, int from, int to) {
        if (to - from != 8 || b[from] != 'H' || b[from + 1] != 'T' || b[from + 2] != 'T' || b[from + 3] != 'P'
                || b[from + 4] != '/' || b[from + 6] != '.' || !digit(b[from + 5]) || !digit(b[from + 7])) {
            return -1;
        }
        return (b[from + 5] - '0') * 10 + (b[from + 7] - '0');
    }

    /** The value of 1*DIGIT, or -1 when empty, signed, not all digits or too long. */
    private static long digits(byte[] b, int from, int to) {
        if (to <= from || to - from > MAX_LENGTH_DIGITS) {
            return -1;
        }
        long v = 0;
        for (int i = from; i < to; i++) {
            if (!digit(b[i])) {
                return -1;
            }
            v = v * 10 + (b[i] - '0');
        }
        return v;
    }

    private static boolean digit(byte c) {
        return c >= '0' && c <= '9';
    }

    /** Case-insensitive comparison with a lower-case ASCII name. */
    private static boolean is(byte[] b, int from, int length, String lower) {
        if (length != lower.length()) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            int c = b[from + i];
            if (c >= 'A' && c <= 'Z') {
                c += 'a' - 'A';
            }
            if (c != lower.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** RFC 9110 tchar. */
    static boolean tchar(byte c) {
        if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
            return true;
        }
        return switch (c) {
            case '!', '#', '$', '%', '&', '\'', '*', '+', '-', '.', '^', '_', '`', '|', '~' -> true;
            default -> false;
        };
    }
}
