package dev.watchpost.testing;

import dev.watchpost.app.Main;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The real server as its own process (this JVM's class path), its output in a log file: for tests of
 * what only a process shows, such as its log, its exit on a signal, or its restart after a kill.
 */
public final class ChildServer implements AutoCloseable {

    private static final Pattern STARTED = Pattern.compile("event=server.started address=http://127.0.0.1:(\\d+)");

    private final Process process;
    private final Path log;
    private final int port;

    private ChildServer(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    /** Starts it on a free port with {@code env} added, and waits until it says it started. */
    public static ChildServer start(Path log, Map<String, String> env) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Main.class.getName());
        pb.environment().put("WATCHPOST_PORT", "0");
        pb.environment().putAll(env);
        pb.redirectErrorStream(true).redirectOutput(log.toFile());
        Process p = pb.start();
        try {
            int port = await().atMost(Duration.ofSeconds(60)).until(() -> {
                assertThat(p.isAlive()).as("server exited early:\n%s", Files.readString(log)).isTrue();
                Matcher m = STARTED.matcher(Files.readString(log));
                return m.find() ? Integer.parseInt(m.group(1)) : -1;
            }, n -> n > 0);
            return new ChildServer(p, log, port);
        } catch (RuntimeException | Error e) {
            p.destroyForcibly();
            throw e;
        }
    }

    public Process process() {
        return process;
    }

    public Path log() {
        return log;
    }

    public Http http() {
        return new Http(port);
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
