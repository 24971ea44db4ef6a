package dev.watchpost.testing;

import dev.watchpost.app.Watchpost;
import dev.watchpost.config.ConfigLoader;
import dev.watchpost.config.WatchpostConfig;

import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** A real Watchpost on port 0 over a SQLite file in a test's temporary directory. */
public final class TestServer implements AutoCloseable {

    public static final String ADMIN = "admin-token-for-tests-0001";
    public static final String INGEST = "ingest-token-for-tests-0001";
    public static final String READ = "read-token-for-tests-00001";

    private final Watchpost app;
    private final Http http;

    private TestServer(Watchpost app) {
        this.app = app;
        this.http = new Http(app.port());
    }

    /** Starts with one token of each scope configured, plus {@code env} on top. */
    public static TestServer start(Path dataDir, Clock clock, Map<String, String> env) {
        return new TestServer(Watchpost.start(config(dataDir, env), clock));
    }

    public static WatchpostConfig config(Path dataDir, Map<String, String> env) {
        Map<String, String> all = new HashMap<>();
        all.put("WATCHPOST_PORT", "0");
        all.put("WATCHPOST_DATA", dataDir.toString());
        all.put("WATCHPOST_ADMIN_TOKEN", ADMIN);
        all.put("WATCHPOST_INGEST_TOKEN", INGEST);
        all.put("WATCHPOST_READ_TOKEN", READ);
        all.putAll(env);
        return ConfigLoader.load(ConfigLoader.configFile(Optional.empty(), all), all, false);
    }

    public Http http() {
        return http;
    }

    public Watchpost app() {
        return app;
    }

    @Override
    public void close() {
        app.close();
    }
}
