package dev.watchpost.web;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;

/**
 * Bodies made once and sent many times (the status page and its gzip, its scripts and styles),
 * without the HTTP server copying them per request.
 *
 * <p>{@code ServerResponse.send(byte[])} copies the headers and the whole body into one new buffer
 * sized for the body plus 256 bytes; Watchpost's headers are longer than that, so the buffer is then
 * grown, which copies it again at twice the size. For the 48 KB gzip of a 5,000-shard page that was
 * about 145 KB of garbage per request, 1.6 GB a second at 10,000 requests a second, and the young
 * collections it caused paused everything else, the live feed's viewers included. A {@link Body} is
 * written through the response's stream with its length set: its first byte goes out with the
 * headers, and the rest is written to the socket from its own array.
 */
public final class Responses {

    /** Smaller bodies are sent with the headers in one buffer: the copy is cheap and one write is one packet. */
    static final int DIRECT_FROM = 8 * 1024;

    private Responses() {
    }

    /**
     * A body ready to be sent many times. A large one is kept as its first byte and the rest in an
     * array of its own: the server writes a part that starts inside an array with a wrong length
     * (its end taken for its length), so the rest must start at index 0 of its array.
     */
    public static final class Body {
        private final byte[] whole;
        private final byte[] first;
        private final byte[] rest;
        private final int length;

        private Body(byte[] bytes) {
            length = bytes.length;
            if (bytes.length < DIRECT_FROM) {
                whole = bytes;
                first = null;
                rest = null;
            } else {
                whole = null;
                first = new byte[] {bytes[0]};
                rest = Arrays.copyOfRange(bytes, 1, bytes.length);
            }
        }

        public static Body of(byte[] bytes) {
            return new Body(bytes);
        }

        public int length() {
            return length;
        }

        /** The whole body as one array (a copy for a large one). */
        public byte[] bytes() {
            if (whole != null) {
                return whole;
            }
            byte[] out = new byte[length];
            out[0] = first[0];
            System.arraycopy(rest, 0, out, 1, rest.length);
            return out;
        }
    }

    /** Sends {@code body} as the whole response entity (its other headers set before). */
    public static void send(ServerResponse res, Body body) {
        if (body.whole != null) {
            res.send(body.whole);
            return;
        }
        res.header(HeaderNames.CONTENT_LENGTH, Integer.toString(body.length));
        try (OutputStream out = res.outputStream()) {
            out.write(body.first); // held by the stream's buffer, then sent with the headers
            out.write(body.rest); // larger than that buffer: written from the array itself
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
