package dev.watchpost.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How long a state change takes to reach many live viewers, and how {@code GET /} fares meanwhile.
 *
 * <p>Opens {@code viewers} connections to {@code /api/v1/stream}, waits until every one is live (has
 * its snapshot, or its {@code resumed} event when it connects as a status page does, with the
 * snapshot version the page was rendered from), then {@code rounds} times posts a heartbeat that
 * flips {@code target} between online and offline and records, per viewer, when its
 * {@code transition} event for that change arrived, measured from just before the POST. Prints
 * "connected" when every viewer is live, so a script can start other load then.
 *
 * <p>All viewers are served by <em>one</em> selector thread over non-blocking sockets: the client
 * shares the machine with the server, and a client that spent a thread wake-up per viewer per
 * change (as one virtual thread per socket does) took CPU the server then lacked; what is measured
 * should be the server. With {@code rate > 0}, a second selector thread asks for {@code GET /}
 * (gzip) at that fixed rate over 64 keep-alive connections from the first change to the last, and
 * times each request from when it was <em>due</em>, not when a connection was free to send it: a
 * server that stalls is charged for the requests it kept waiting (no coordinated omission).
 *
 * <p>With the system property {@code server.pid}, the server's CPU time (from /proc) across the
 * rounds is reported too, and always the client's own.
 *
 * <p>Usage: {@code StreamBench <base-url> <ingest-token> <viewers> <rounds> <target> [since [pause-ms [rate [warm-up]]]]}:
 * {@code since} as the page's {@code data-since} ("-" for none: every viewer takes the snapshot);
 * {@code pause-ms} between changes (default 300); {@code rate} of {@code GET /} per second (default 0: none);
 * {@code warm-up} changes made and shown before the measured ones, not counted (default 0): the first
 * changes after a start run code the JIT has not compiled yet, which a server that has been up for a
 * while has long compiled.
 */
public final class StreamBench {

    /** Connections being opened at once: more only fill the server's listen backlog. */
    private static final int CONNECTING = 1_000;
    private static final int PAGE_CONNECTIONS = 64;

    public static void main(String[] args) throws Exception {
        String base = args[0];
        String token = args[1];
        int viewers = Integer.parseInt(args[2]);
        int rounds = Integer.parseInt(args[3]);
        String target = args[4];
        String since = args.length > 5 && !"-".equals(args[5]) ? args[5] : null;
        long pauseMs = args.length > 6 ? Long.parseLong(args[6]) : 300;
        int rate = args.length > 7 ? Integer.parseInt(args[7]) : 0;
        int warmup = args.length > 8 ? Integer.parseInt(args[8]) : 0;
        rounds += warmup;
        URI baseUri = URI.create(base);
        InetSocketAddress address = new InetSocketAddress(baseUri.getHost(), baseUri.getPort());
        String hostHeader = baseUri.getHost() + ":" + baseUri.getPort();
        byte[] streamRequest = ("GET /api/v1/stream" + (since == null ? "" : "?since=" + since) + " HTTP/1.1\r\nHost: "
                + hostHeader + "\r\nAccept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(30)).build();

        Viewers crowd = new Viewers(address, streamRequest, viewers, rounds,
                ("\"target\":\"" + target + "\"").getBytes(StandardCharsets.UTF_8));
        long t0 = System.nanoTime();
        Thread viewerThread = Thread.ofPlatform().name("viewers").daemon().start(crowd::run);
        long deadline = t0 + TimeUnit.MINUTES.toNanos(10);
        while (crowd.live.get() + crowd.failed.get() < viewers) {
            if (System.nanoTime() > deadline || !viewerThread.isAlive()) {
                throw new IllegalStateException("viewers did not all connect: "
                        + (viewers - crowd.live.get() - crowd.failed.get()) + " missing");
            }
            Thread.sleep(2);
        }
        double connectMs = (System.nanoTime() - t0) / 1e6;
        System.out.printf(Locale.ROOT, "%d viewers connected and live after %.0f ms (%d failed; %d were sent the whole snapshot, %s; "
                        + "%d events replayed to them, at most %d to one)%n",
                viewers, connectMs, crowd.failed.get(), crowd.snapshots.get(),
                since == null ? "as asked" : "the others resumed from the page's feed position",
                crowd.replayed.get(), crowd.mostReplayed.get());
        double[] each = Arrays.stream(crowd.connectNanos, 0, crowd.live.get()).mapToDouble(n -> n / 1e6).sorted().toArray();
        System.out.printf(Locale.ROOT, "each viewer, socket opened → live: p50 %.0f ms, p99 %.0f ms, max %.0f ms; %d took over 1 s "
                        + "(the kernel retries a dropped connection attempt after 1 s, 3 s, 7 s)%n",
                pct(each, 0.5), pct(each, 0.99), each.length == 0 ? Double.NaN : each[each.length - 1],
                Arrays.stream(each).filter(ms -> ms > 1000).count());
        System.out.flush();

        PageLoad load = rate > 0 ? new PageLoad(address, hostHeader, rate) : null;
        Thread loadThread = load == null ? null : Thread.ofPlatform().name("page-load").daemon().start(load::run);
        long serverCpu0 = serverCpuNanos();
        long clientCpu0 = clientCpuNanos();
        long r0 = System.nanoTime();
        double[] all = new double[(rounds - warmup) * viewers];
        int count = 0;
        int missing = 0;
        for (int r = 0; r < rounds; r++) {
            if (r == warmup) { // what is measured starts here
                serverCpu0 = serverCpuNanos();
                clientCpu0 = clientCpuNanos();
                r0 = System.nanoTime();
                if (load != null) {
                    load.measureFrom = r0;
                }
            }
            String state = r % 2 == 0 ? "offline" : "online";
            crowd.round = r;
            long sent = System.nanoTime();
            crowd.sent[r] = sent;
            HttpResponse<String> post = client.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/heartbeat/" + target))
                    .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"state\":\"" + state + "\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (post.statusCode() != 204) {
                throw new IllegalStateException("heartbeat answered " + post.statusCode() + ": " + post.body());
            }
            long waitUntil = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (crowd.arrived[r].get() < viewers - crowd.failed.get() && System.nanoTime() < waitUntil) {
                Thread.sleep(2);
            }
            double[] ms = crowd.arrivalsMs(r);
            Arrays.sort(ms);
            if (r >= warmup) {
                missing += Math.max(0, viewers - crowd.failed.get() - ms.length);
                System.arraycopy(ms, 0, all, count, ms.length);
                count += ms.length;
            }
            System.out.printf(Locale.ROOT, "%s %2d (%s): %d arrivals, p50 %.1f ms, max %.1f ms%n", r < warmup ? "warm-up" : "round  ",
                    r < warmup ? r + 1 : r - warmup + 1, state, ms.length, pct(ms, 0.5), ms.length == 0 ? Double.NaN : ms[ms.length - 1]);
            Thread.sleep(pauseMs); // let the stream settle between changes
        }
        double seconds = (System.nanoTime() - r0) / 1e9;
        long serverCpu = serverCpuNanos() - serverCpu0;
        long clientCpu = clientCpuNanos() - clientCpu0;
        if (load != null) {
            load.stop = true;
            loadThread.join(10_000);
        }
        double[] sorted = Arrays.copyOf(all, count);
        Arrays.sort(sorted);
        System.out.printf(Locale.ROOT, "change → viewer over %d arrivals (%d rounds × %d viewers, %d missing): "
                        + "p50 %.1f ms, p99 %.1f ms, max %.1f ms%n", sorted.length, rounds - warmup, viewers, missing,
                pct(sorted, 0.5), pct(sorted, 0.99), sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1]);
        if (load != null) {
            load.report();
            load.reportPerRound(Arrays.copyOfRange(crowd.sent, warmup, rounds));
        }
        if (serverCpu >= 0) {
            System.out.printf(Locale.ROOT, "CPU over the %.1f s of rounds: server %.2f cores, this client %.2f cores%n",
                    seconds, serverCpu / 1e9 / seconds, clientCpu / 1e9 / seconds);
        } else {
            System.out.printf(Locale.ROOT, "CPU over the %.1f s of rounds: this client %.2f cores%n", seconds, clientCpu / 1e9 / seconds);
        }
        System.out.printf(Locale.ROOT, "viewers failed or closed: %d%n", crowd.failed.get());
        System.exit(0);
    }

    static double pct(double[] sorted, double q) {
        return sorted.length == 0 ? Double.NaN : sorted[Math.min(sorted.length - 1, Math.max(0, (int) Math.ceil(q * sorted.length) - 1))];
    }

    /** The server's user + system CPU time from /proc (the property {@code server.pid}), or -1. */
    private static long serverCpuNanos() {
        String pid = System.getProperty("server.pid");
        if (pid == null) {
            return -1;
        }
        try {
            String stat = Files.readString(Path.of("/proc", pid, "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14 and 15)
            return ticks * 10_000_000L; // USER_HZ is 100 on Linux
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static long clientCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** Every viewer's connection, on one selector thread. */
    static final class Viewers {
        private final InetSocketAddress address;
        private final byte[] request;
        private final int viewers;
        private final byte[] needle;
        final AtomicInteger live = new AtomicInteger();
        final AtomicInteger failed = new AtomicInteger();
        /** Each live viewer's time from opening its socket to its first event, in the order they went live. */
        final long[] connectNanos;
        /** Events replayed to resuming viewers, in all and to the one that got most. */
        final AtomicLong replayed = new AtomicLong();
        final AtomicLong mostReplayed = new AtomicLong();
        /** Viewers that were sent the whole snapshot (a resume point the server no longer held, or none). */
        final AtomicInteger snapshots = new AtomicInteger();
        /** Set by the main thread before each change; read here per arrival. */
        volatile int round = -1;
        final long[] sent;
        final long[][] arrivals;
        final AtomicInteger[] arrived;
        private final int[] counts; // this thread's own count per round

        Viewers(InetSocketAddress address, byte[] request, int viewers, int rounds, byte[] needle) {
            this.address = address;
            this.request = request;
            this.viewers = viewers;
            this.needle = needle;
            this.sent = new long[rounds];
            this.connectNanos = new long[viewers];
            this.arrivals = new long[rounds][viewers];
            this.arrived = new AtomicInteger[rounds];
            this.counts = new int[rounds];
            for (int r = 0; r < rounds; r++) {
                arrived[r] = new AtomicInteger();
            }
        }

        double[] arrivalsMs(int r) {
            int n = Math.min(arrived[r].get(), viewers);
            double[] ms = new double[n];
            for (int i = 0; i < n; i++) {
                ms[i] = (arrivals[r][i] - sent[r]) / 1e6;
            }
            return ms;
        }

        void run() {
            try (Selector selector = Selector.open()) {
                ByteBuffer buf = ByteBuffer.allocateDirect(1 << 16);
                byte[] bytes = new byte[1 << 16];
                int opened = 0;
                int connecting = 0;
                while (true) {
                    while (opened < viewers && connecting < CONNECTING) {
                        SocketChannel ch = SocketChannel.open();
                        ch.configureBlocking(false);
                        Viewer v = new Viewer(System.nanoTime());
                        if (ch.connect(address)) {
                            ch.register(selector, SelectionKey.OP_WRITE, v);
                        } else {
                            ch.register(selector, SelectionKey.OP_CONNECT, v);
                        }
                        opened++;
                        connecting++;
                    }
                    selector.select(100);
                    for (var it = selector.selectedKeys().iterator(); it.hasNext(); ) {
                        SelectionKey key = it.next();
                        it.remove();
                        Viewer v = (Viewer) key.attachment();
                        SocketChannel ch = (SocketChannel) key.channel();
                        try {
                            if (key.isConnectable()) {
                                ch.finishConnect();
                                key.interestOps(SelectionKey.OP_WRITE);
                            } else if (key.isWritable()) {
                                ch.write(ByteBuffer.wrap(request)); // ~100 bytes: one write
                                key.interestOps(SelectionKey.OP_READ);
                            } else if (key.isReadable()) {
                                buf.clear();
                                int n = ch.read(buf);
                                if (n < 0) {
                                    throw new IOException("closed by the server");
                                }
                                buf.flip();
                                buf.get(bytes, 0, n);
                                boolean wasLive = v.live;
                                v.feed(bytes, n, this);
                                if (!wasLive && v.live) {
                                    connecting--;
                                    connectNanos[live.getAndIncrement()] = System.nanoTime() - v.opened;
                                }
                            }
                        } catch (IOException | RuntimeException e) {
                            if (failed.incrementAndGet() == 1) {
                                System.err.println("first viewer failure: " + e);
                            }
                            if (!v.live) {
                                connecting--;
                            }
                            key.cancel();
                            ch.close();
                        }
                    }
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        void arrived(long now) {
            int r = round;
            if (r >= 0) {
                int i = counts[r];
                if (i < viewers) {
                    arrivals[r][i] = now;
                    counts[r] = i + 1;
                    arrived[r].set(i + 1); // after the store: whoever reads the count sees the time
                }
            }
        }

        boolean isNeedleIn(byte[] line, int length) {
            outer:
            for (int i = 0; i + needle.length <= length; i++) {
                for (int j = 0; j < needle.length; j++) {
                    if (line[i + j] != needle[j]) {
                        continue outer;
                    }
                }
                return true;
            }
            return false;
        }
    }

    /**
     * One viewer's reading: the response head, then the chunked body's framing removed, then SSE
     * lines. Only a line's first bytes are kept (a transition event fits; a snapshot's one long line
     * need not be held by ten thousand viewers).
     */
    static final class Viewer {
        private static final int HEAD = 0, SIZE = 1, DATA = 2, DATA_END = 3;
        private static final int NONE = 0, READY = 1, TRANSITION = 2, OTHER = 3, RESUMED = 4;
        private int phase = HEAD;
        private final StringBuilder head = new StringBuilder();
        private long chunkLeft;
        private long chunkSize;
        private boolean sizeEnded;
        private int dataEnd; // bytes of the CRLF after a chunk still to skip
        private final byte[] line = new byte[1024];
        private int lineLength;
        private int event = NONE;
        boolean live;
        final long opened;

        Viewer(long opened) {
            this.opened = opened;
        }

        void feed(byte[] b, int n, Viewers crowd) throws IOException {
            for (int i = 0; i < n; i++) {
                byte c = b[i];
                switch (phase) {
                    case HEAD -> {
                        head.append((char) (c & 0xff));
                        if (c == '\n' && head.length() >= 4 && head.charAt(head.length() - 3) == '\n') {
                            String h = head.toString();
                            if (!h.startsWith("HTTP/1.1 200")) {
                                throw new IOException("stream answered " + h.lines().findFirst().orElse(""));
                            }
                            if (!h.toLowerCase(Locale.ROOT).contains("transfer-encoding: chunked")) {
                                throw new IOException("stream is not chunked");
                            }
                            phase = SIZE;
                            chunkSize = 0;
                            sizeEnded = false;
                        }
                    }
                    case SIZE -> {
                        if (c == '\n') {
                            if (chunkSize == 0) {
                                throw new IOException("stream ended");
                            }
                            chunkLeft = chunkSize;
                            phase = DATA;
                        } else if (c == ';') {
                            sizeEnded = true; // a chunk extension follows: not part of the size
                        } else if (c != '\r' && !sizeEnded) {
                            chunkSize = chunkSize * 16 + Character.digit(c, 16);
                        }
                    }
                    case DATA -> {
                        line(c, crowd);
                        if (--chunkLeft == 0) {
                            phase = DATA_END;
                            dataEnd = 2;
                        }
                    }
                    default -> { // DATA_END: the CRLF that ends a chunk
                        if (--dataEnd == 0) {
                            phase = SIZE;
                            chunkSize = 0;
                            sizeEnded = false;
                        }
                    }
                }
            }
        }

        private void line(byte c, Viewers crowd) {
            if (c != '\n') {
                if (lineLength < line.length) {
                    line[lineLength] = c;
                }
                lineLength++;
                return;
            }
            int n = Math.min(lineLength, line.length);
            if (n == 0) {
                event = NONE;
            } else if (startsWith("event:", n)) {
                String name = new String(line, 6, n - 6, StandardCharsets.US_ASCII).trim();
                event = switch (name) {
                    case "snapshot" -> {
                        crowd.snapshots.incrementAndGet();
                        yield READY;
                    }
                    case "resumed" -> RESUMED;
                    case "transition" -> TRANSITION;
                    default -> OTHER;
                };
            } else if (startsWith("data:", n)) {
                if (event == READY) {
                    live = true;
                } else if (event == RESUMED) {
                    live = true;
                    // {"replayed":n}: the events this viewer was sent to catch up from the page's position
                    String data = new String(line, 5, n - 5, StandardCharsets.US_ASCII).replaceAll("[^0-9]", "");
                    if (!data.isEmpty()) {
                        long replayed = Long.parseLong(data);
                        crowd.replayed.addAndGet(replayed);
                        crowd.mostReplayed.accumulateAndGet(replayed, Math::max);
                    }
                } else if (event == TRANSITION && crowd.isNeedleIn(line, n)) {
                    crowd.arrived(System.nanoTime());
                }
            }
            lineLength = 0;
        }

        private boolean startsWith(String prefix, int n) {
            if (n < prefix.length()) {
                return false;
            }
            for (int i = 0; i < prefix.length(); i++) {
                if (line[i] != prefix.charAt(i)) {
                    return false;
                }
            }
            return true;
        }
    }

    /**
     * {@code GET /} at a fixed rate, open loop: request k is due at start + k / rate whether or not
     * the server has answered the ones before, and its time counts from then.
     */
    static final class PageLoad {
        private final InetSocketAddress address;
        private final byte[] request;
        private final int rate;
        volatile boolean stop;
        /** Requests due before this (during the warm-up changes) are not counted. */
        volatile long measureFrom = Long.MAX_VALUE;
        private long[] latencies = new long[1 << 16];
        private long[] dueTimes = new long[1 << 16];
        private int completed;
        private int bad;
        private long started;
        private long ended;
        private long due; // requests made due so far
        private long sentCount;
        private final AtomicLong maxBacklog = new AtomicLong();

        PageLoad(InetSocketAddress address, String hostHeader, int rate) {
            this.address = address;
            this.rate = rate;
            this.request = ("GET / HTTP/1.1\r\nHost: " + hostHeader + "\r\nAccept-Encoding: gzip\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII);
        }

        /** One keep-alive connection: the due time of the request it carries, and its answer's progress. */
        private static final class Conn {
            final SocketChannel ch;
            long dueAt = -1; // -1: idle
            final StringBuilder head = new StringBuilder();
            long bodyLeft = -1; // -1: reading the head

            Conn(SocketChannel ch) {
                this.ch = ch;
            }
        }

        void run() {
            try (Selector selector = Selector.open()) {
                ArrayDeque<Conn> idle = new ArrayDeque<>();
                for (int i = 0; i < PAGE_CONNECTIONS; i++) {
                    SocketChannel ch = SocketChannel.open(address); // blocking connect, then non-blocking use
                    ch.configureBlocking(false);
                    Conn c = new Conn(ch);
                    ch.register(selector, SelectionKey.OP_READ, c);
                    idle.add(c);
                }
                ByteBuffer buf = ByteBuffer.allocateDirect(1 << 17);
                long intervalNanos = 1_000_000_000L / rate;
                started = System.nanoTime();
                while (!stop) {
                    long now = System.nanoTime();
                    due = (now - started) / intervalNanos + 1;
                    maxBacklog.accumulateAndGet(due - sentCount, Math::max);
                    while (sentCount < due && !idle.isEmpty()) {
                        Conn c = idle.poll();
                        c.dueAt = started + sentCount * intervalNanos;
                        sentCount++;
                        ByteBuffer out = ByteBuffer.wrap(request);
                        while (out.hasRemaining()) {
                            c.ch.write(out); // ~80 bytes into an empty send buffer
                        }
                    }
                    selector.select(1);
                    for (var it = selector.selectedKeys().iterator(); it.hasNext(); ) {
                        SelectionKey key = it.next();
                        it.remove();
                        Conn c = (Conn) key.attachment();
                        buf.clear();
                        int n = c.ch.read(buf);
                        if (n < 0) {
                            throw new IOException("the server closed a keep-alive connection");
                        }
                        buf.flip();
                        if (read(c, buf)) {
                            if (c.dueAt >= measureFrom) {
                                record(c.dueAt, System.nanoTime() - c.dueAt);
                            }
                            c.dueAt = -1;
                            idle.add(c);
                        }
                    }
                }
                ended = System.nanoTime();
            } catch (IOException e) {
                System.err.println("GET / load stopped: " + e);
                ended = System.nanoTime();
            }
        }

        /** Reads what arrived; true when the answer is complete. */
        private boolean read(Conn c, ByteBuffer buf) throws IOException {
            while (buf.hasRemaining()) {
                if (c.bodyLeft < 0) {
                    char ch = (char) (buf.get() & 0xff);
                    c.head.append(ch);
                    int len = c.head.length();
                    if (ch == '\n' && len >= 4 && c.head.charAt(len - 3) == '\n') {
                        String h = c.head.toString();
                        c.head.setLength(0);
                        if (!h.startsWith("HTTP/1.1 200")) {
                            bad++;
                        }
                        long length = -1;
                        for (String l : h.split("\r\n")) {
                            if (l.regionMatches(true, 0, "content-length:", 0, 15)) {
                                length = Long.parseLong(l.substring(15).trim());
                            }
                        }
                        if (length < 0) {
                            throw new IOException("GET / answered without a Content-Length");
                        }
                        c.bodyLeft = length;
                    }
                } else {
                    int skip = (int) Math.min(c.bodyLeft, buf.remaining());
                    buf.position(buf.position() + skip);
                    c.bodyLeft -= skip;
                }
                if (c.bodyLeft == 0) {
                    c.bodyLeft = -1;
                    if (buf.hasRemaining()) {
                        throw new IOException("bytes after a complete answer");
                    }
                    return true;
                }
            }
            return false;
        }

        private void record(long dueAt, long nanos) {
            if (completed == latencies.length) {
                latencies = Arrays.copyOf(latencies, completed * 2);
                dueTimes = Arrays.copyOf(dueTimes, completed * 2);
            }
            dueTimes[completed] = dueAt;
            latencies[completed++] = nanos;
        }

        /** p99 and max of the requests due from each change to the next: where the slow ones fall. */
        void reportPerRound(long[] changes) {
            StringBuilder b = new StringBuilder("GET / per round, p99 / max ms:");
            for (int r = 0; r < changes.length; r++) {
                long from = changes[r];
                long to = r + 1 < changes.length ? changes[r + 1] : Long.MAX_VALUE;
                double[] ms = java.util.stream.IntStream.range(0, completed).filter(i -> dueTimes[i] >= from && dueTimes[i] < to)
                        .mapToDouble(i -> latencies[i] / 1e6).sorted().toArray();
                b.append(String.format(Locale.ROOT, " %d: %.0f/%.0f", r + 1, pct(ms, 0.99), ms.length == 0 ? Double.NaN : ms[ms.length - 1]));
            }
            System.out.println(b);
        }

        void report() {
            long[] l = Arrays.copyOf(latencies, completed);
            Arrays.sort(l);
            double seconds = (ended - Math.max(started, measureFrom)) / 1e9;
            double[] ms = Arrays.stream(l).mapToDouble(x -> x / 1e6).toArray();
            System.out.printf(Locale.ROOT, "GET / paced at %d req/s meanwhile (open loop, timed from when due): "
                            + "%d answered in %.1f s = %.0f req/s, %d not 200, %d due but unsent at the end; "
                            + "p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, max %.2f ms%n",
                    rate, completed, seconds, completed / seconds, bad, due - sentCount,
                    pct(ms, 0.5), pct(ms, 0.99), pct(ms, 0.999), ms.length == 0 ? Double.NaN : ms[ms.length - 1]);
        }
    }
}
