package dev.watchpost.feed;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Writes Server-Sent Events (the {@code text/event-stream} format) to a response body, flushing each
 * event so it leaves at once. Data with line breaks becomes one {@code data:} line per line, as the
 * format requires.
 */
final class SseWriter implements AutoCloseable {

    private final OutputStream out;

    SseWriter(OutputStream out) {
        this.out = out;
    }

    void retry(Duration reconnectDelay) throws IOException {
        write("retry:" + reconnectDelay.toMillis() + "\n\n");
    }

    void event(String name, String data) throws IOException {
        StringBuilder b = new StringBuilder(data.length() + name.length() + 16);
        b.append("event:").append(name).append('\n');
        for (String line : data.split("\r\n|\r|\n", -1)) {
            b.append("data:").append(line).append('\n');
        }
        write(b.append('\n').toString());
    }

    /** A comment line: ignored by clients, but it keeps proxies and idle timers from closing a quiet stream. */
    void comment(String text) throws IOException {
        write(":" + text + "\n\n");
    }

    private void write(String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
