package dev.watchpost.web;

import io.helidon.http.Status;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.ServerRequest;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;

/**
 * Request bodies with Watchpost's size limit ({@code server.max-body}).
 *
 * <p>A client that sends a body over the limit must get its 413, not a reset connection. Closing a
 * socket whose unread body is still arriving makes TCP reset it, and the client then loses the
 * answer; so an over-long body is read and thrown away before the 413 is sent. Only bodies beyond
 * {@link #hardCap} (far beyond any sane client) are refused by the server without reading them.
 */
public final class Bodies implements Filter {

    private final long limit;
    /** The limit of the request this thread is serving (each request runs on its own virtual thread). */
    private static final ThreadLocal<Bodies> CURRENT = new ThreadLocal<>();

    Bodies(long limit) {
        this.limit = limit;
    }

    /** What the HTTP server itself refuses to read at all. */
    static long hardCap(long limit) {
        return Math.max(limit * 16, 16L * 1024 * 1024);
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, io.helidon.webserver.http.RoutingResponse res) {
        long declared = req.headers().contentLength().orElse(-1);
        if (declared > limit) {
            // A client that asked "Expect: 100-continue" has not sent the body and will not: answer at once.
            boolean waiting = req.headers().first(io.helidon.http.HeaderNames.EXPECT)
                    .map(v -> v.equalsIgnoreCase("100-continue")).orElse(false);
            if (!waiting) {
                drain(req);
            }
            throw tooLarge(limit);
        }
        CURRENT.set(this);
        try {
            chain.proceed();
        } finally {
            CURRENT.remove();
        }
    }

    /** The whole body (empty when there is none), or 413 when it is larger than the limit. */
    public static byte[] read(ServerRequest req) {
        if (!req.content().hasEntity()) {
            return new byte[0];
        }
        Bodies current = CURRENT.get();
        long limit = current == null ? 256L * 1024 : current.limit;
        long declared = req.headers().contentLength().orElse(-1);
        if (declared >= 0 && declared <= limit) {
            return req.content().as(byte[].class); // the common case: the length is known and allowed
        }
        try (InputStream in = req.content().inputStream()) {
            // Streamed (chunked) body: grow as it arrives, never past the limit.
            byte[] buf = new byte[(int) Math.min(limit + 1, 8 * 1024)];
            int n = 0;
            while (true) {
                if (n == buf.length) {
                    if (n > limit) {
                        in.transferTo(java.io.OutputStream.nullOutputStream());
                        throw tooLarge(limit);
                    }
                    buf = Arrays.copyOf(buf, (int) Math.min(limit + 1, (long) buf.length * 2));
                }
                int r = in.read(buf, n, buf.length - n);
                if (r < 0) {
                    break;
                }
                n += r;
            }
            if (n > limit) {
                throw tooLarge(limit);
            }
            return n == buf.length ? buf : Arrays.copyOf(buf, n);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void drain(ServerRequest req) {
        try (InputStream in = req.content().inputStream()) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        } catch (IOException | RuntimeException e) {
            // the connection is going away anyway; the 413 is still the right answer
        }
    }

    static ApiException tooLarge(long limit) {
        return new ApiException(Status.REQUEST_ENTITY_TOO_LARGE_413, "request body is larger than the limit of " + limit + " bytes",
                java.util.Map.of("limit", limit));
    }
}
