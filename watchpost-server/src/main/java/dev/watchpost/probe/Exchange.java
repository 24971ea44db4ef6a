package dev.watchpost.probe;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** One HTTP request and its (capped) response under a hard deadline. */
final class Exchange {

    /** Most body bytes read; the rest is not waited for (the connection is dropped). */
    static final int MAX_BODY = 1 << 20;

    record Response(int status, URI uri, HttpHeaders headers, byte[] body) {
    }

    private Exchange() {
    }

    /**
     * Sends {@code request} and reads at most {@link #MAX_BODY} bytes of the body, all before
     * {@code deadlineNanos} ({@link System#nanoTime()} scale). The request's own timeout only covers
     * the wait for headers, so the whole exchange is also awaited with the deadline and cancelled
     * (which aborts the connection) when it passes.
     *
     * @throws TimeoutException     the deadline passed
     * @throws IOException          the exchange failed (refused, reset, TLS, ...)
     * @throws InterruptedException the calling thread was interrupted; the exchange is cancelled
     */
    static Response send(HttpClient client, HttpRequest request, long deadlineNanos)
            throws IOException, TimeoutException, InterruptedException {
        long remaining = deadlineNanos - System.nanoTime();
        if (remaining <= 0) {
            throw new TimeoutException();
        }
        CompletableFuture<HttpResponse<byte[]>> f = client.sendAsync(request, info -> new CappedBody(MAX_BODY));
        try {
            HttpResponse<byte[]> r = f.get(remaining, TimeUnit.NANOSECONDS);
            return new Response(r.statusCode(), r.uri(), r.headers(), r.body());
        } catch (TimeoutException | InterruptedException e) {
            f.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            throw new IOException(cause.getMessage(), cause);
        }
    }

    /** Collects the body up to a limit, then cancels the rest. */
    private static final class CappedBody implements HttpResponse.BodySubscriber<byte[]> {
        private final CompletableFuture<byte[]> result = new CompletableFuture<>();
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private final int limit;
        private Flow.Subscription subscription;

        CappedBody(int limit) {
            this.limit = limit;
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(1);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            for (ByteBuffer b : items) {
                int n = Math.min(b.remaining(), limit - out.size());
                byte[] chunk = new byte[n];
                b.get(chunk);
                out.write(chunk, 0, n);
                if (out.size() >= limit) {
                    subscription.cancel();
                    result.complete(out.toByteArray());
                    return;
                }
            }
            subscription.request(1);
        }

        @Override
        public void onError(Throwable t) {
            result.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            result.complete(out.toByteArray());
        }
    }
}
