package dev.watchpost.app;

import dev.watchpost.admin.AdminStore;
import dev.watchpost.admin.Passwords;
import dev.watchpost.agent.StatsAgent;
import dev.watchpost.auth.ApiToken;
import dev.watchpost.auth.Scope;
import dev.watchpost.auth.TokenStore;
import dev.watchpost.auth.Tokens;
import dev.watchpost.config.ConfigException;
import dev.watchpost.config.ConfigLoader;
import dev.watchpost.config.WatchpostConfig;
import dev.watchpost.location.Probers;
import dev.watchpost.location.RemoteProber;
import dev.watchpost.store.Database;
import dev.watchpost.store.SecretBox;
import dev.watchpost.store.SecretKeys;
import dev.watchpost.store.StoreException;
import dev.watchpost.store.WriteBehind;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/**
 * The {@code watchpost} command: {@code serve} (the default), {@code check}, {@code token create|list|revoke}
 * {@code agent} and {@code prober}.
 * Exit codes: 0 success, 1 failure while running, 2 bad usage or configuration.
 */
public final class Main {

    static final String USAGE = """
            usage: watchpost [serve] [--config FILE] [--insecure]
                   watchpost check [--config FILE]      check the configuration, the database and every declaration;
                                                        starts nothing (no port, no probe), safe beside a running server
                   watchpost check --start [--config FILE]
                                                        also start the server in full on its port, then stop at once
                   watchpost token create --scope ingest|read|admin|prober [--location NAME] [--name NAME] [--config FILE]
                                                        --location binds a prober token to the one location it speaks for
                   watchpost token list [--config FILE]
                   watchpost token revoke ID [--config FILE]
                   watchpost password set [--password-stdin] [--config FILE]
                                                        set the dashboard's password (asked twice; once from stdin with
                                                        --password-stdin); signs every dashboard session out
                   watchpost secrets status [--config FILE]
                                                        where the key sealing secrets at rest comes from, its id, the rows
                   watchpost secrets rotate-key [--new-key-stdin] [--config FILE]
                                                        reseal every secret with a new key (read from stdin with
                                                        --new-key-stdin, else made); run it with Watchpost stopped
                   watchpost agent [--host 127.0.0.1] [--port 9191] [--path /platy] [--disk /]
                                                        answer a stats probe with this host's cpu, memory and disk use
                   watchpost prober --server URL --token T --location NAME [--buffer DIR]
                                                        run a remote location: fetch its checks from the server, run them,
                                                        send the results (kept in --buffer, default ./prober-buffer, while
                                                        the server is out of reach); each option also from
                                                        WATCHPOST_PROBER_SERVER, _TOKEN, _LOCATION, _BUFFER
            Settings come from --config FILE (or WATCHPOST_CONFIG) and WATCHPOST_* environment variables;
            the agent and the prober read neither (only their options; the prober its WATCHPOST_PROBER_* too).""";

    private Main() {
    }

    public static void main(String[] args) {
        int code = run(args, System.getenv(), System.out, System.err);
        if (code >= 0) {
            System.exit(code);
        }
        // serve: keep running until a signal stops us (the shutdown hook closes everything)
    }

    /** Runs a command; returns its exit code, or -1 when a server was started and keeps running. */
    static int run(String[] argv, Map<String, String> env, PrintStream out, PrintStream err) {
        return run(argv, env, System.in, out, err);
    }

    /** As {@link #run(String[], Map, PrintStream, PrintStream)}, reading secrets ({@code password set}) from {@code in}. */
    static int run(String[] argv, Map<String, String> env, InputStream in, PrintStream out, PrintStream err) {
        if (argv.length > 0 && argv[0].equals("agent")) {
            // The agent runs on the monitored hosts: no configuration file, no database, only its options.
            return agent(Arrays.copyOfRange(argv, 1, argv.length), out, err);
        }
        if (argv.length > 0 && argv[0].equals("prober")) {
            // A remote location: no configuration file, no database, only its options.
            return prober(Arrays.copyOfRange(argv, 1, argv.length), env, out, err);
        }
        Args args;
        try {
            args = Args.parse(argv);
        } catch (IllegalArgumentException e) {
            err.println("watchpost: " + e.getMessage());
            err.println(USAGE);
            return 2;
        }
        if (args.help) {
            out.println(USAGE);
            return 0;
        }
        if (args.command.get(0).equals("agent")) {
            err.println("watchpost: 'agent' must be the first argument and takes only its own options "
                    + "(--host, --port, --path, --disk)");
            return 2;
        }
        WatchpostConfig config;
        try {
            config = ConfigLoader.load(ConfigLoader.configFile(args.config, env), env, args.insecure);
        } catch (ConfigException e) {
            err.println("watchpost: " + e.getMessage());
            return 2;
        }
        Logging.configure(config.logging().level());
        ConfigLoader.unknownEnvironment(env).forEach(k -> org.slf4j.LoggerFactory.getLogger(Main.class)
                .warn("event=config.unknown_env name={} hint=\"{}\"", k, ConfigLoader.unknownHint(k)));
        try {
            return switch (args.command.get(0)) {
                case "serve" -> serve(config, err);
                case "check" -> args.start ? checkByStarting(config, out) : check(config, out);
                case "token" -> token(args, config, out, err);
                case "password" -> password(args, config, in, err);
                case "secrets" -> secrets(args, config, in, out, err);
                default -> {
                    err.println("watchpost: unknown command '" + args.command.get(0) + "'");
                    err.println(USAGE);
                    yield 2;
                }
            };
        } catch (ConfigException e) { // a declaration (groups, targets, channels, rules) read while starting
            err.println("watchpost: " + e.getMessage());
            return 2;
        } catch (StartupException | StoreException e) {
            err.println("watchpost: " + e.getMessage());
            return 1;
        }
    }

    private static int serve(WatchpostConfig config, PrintStream err) {
        Watchpost app = Watchpost.start(config, Clock.systemUTC());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("watchpost-shutdown").unstarted(() -> {
            app.close();
            stopped.countDown();
        }));
        // Without a listener the process would live on unreachable; ending it lets a supervisor start it
        // again. Exiting runs the shutdown hook above (pending writes are flushed); from its own thread,
        // as the hook stops the watch that reports the loss.
        app.listenerLost().thenAccept(why -> Thread.ofPlatform().name("watchpost-listener-lost").start(() -> {
            org.slf4j.LoggerFactory.getLogger(Main.class).error("event=server.listener_lost reason=\"{}\" "
                    + "action=exit code=1 hint=\"most often out of file descriptors: see server.max-connections "
                    + "and the descriptor limit (ulimit -n)\"", why);
            System.exit(1);
        }));
        return -1;
    }

    /** Starts the stats agent; it runs until a signal stops it (the shutdown hook closes it). */
    private static int agent(String[] argv, PrintStream out, PrintStream err) {
        return untilStopped("agent", () -> agentSettings(argv), StatsAgent::start, out, err);
    }

    /** Starts a remote location's prober; it runs until a signal stops it (the shutdown hook closes it). */
    private static int prober(String[] argv, Map<String, String> env, PrintStream out, PrintStream err) {
        return untilStopped("prober", () -> proberSettings(argv, env), s -> RemoteProber.start(s, Clock.systemUTC()), out, err);
    }

    /**
     * A command that runs until a signal stops it: its options read ({@code parse}; empty for help),
     * then started, then closed by a shutdown hook. Bad options, or a start refused for what was
     * given (a disk path or host that does not exist), are usage errors (2); a start that fails
     * otherwise (an address in use, a buffer directory that cannot be made) is 1. -1: running.
     */
    private static <S> int untilStopped(String command, java.util.function.Supplier<Optional<S>> parse,
                                        java.util.function.Function<S, AutoCloseable> start, PrintStream out, PrintStream err) {
        S settings;
        try {
            Optional<S> parsed = parse.get();
            if (parsed.isEmpty()) {
                out.println(USAGE);
                return 0;
            }
            settings = parsed.get();
        } catch (IllegalArgumentException e) {
            err.println("watchpost: " + command + ": " + e.getMessage());
            return 2;
        }
        Logging.configure("info");
        AutoCloseable running;
        try {
            running = start.apply(settings);
        } catch (IllegalArgumentException e) {
            err.println("watchpost: " + command + ": " + e.getMessage());
            return 2;
        } catch (RuntimeException e) {
            err.println("watchpost: " + command + ": " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            return 1;
        }
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("watchpost-" + command + "-shutdown").unstarted(() -> {
            try {
                running.close();
            } catch (Exception e) {
                // stopping anyway
            }
        }));
        return -1;
    }

    /**
     * The prober's options, each over its {@code WATCHPOST_PROBER_*} variable (the token is better
     * passed that way: a command line is visible to every user of the machine); empty for help.
     */
    static Optional<RemoteProber.Settings> proberSettings(String[] argv, Map<String, String> env) {
        Map<String, String> values = new java.util.HashMap<>();
        for (String k : List.of("server", "token", "location", "buffer")) {
            String v = env.get("WATCHPOST_PROBER_" + k.toUpperCase(java.util.Locale.ROOT));
            if (v != null && !v.isBlank()) {
                values.put(k, v.strip());
            }
        }
        for (int i = 0; i < argv.length; i++) {
            String arg = argv[i];
            int eq = arg.indexOf('=');
            String option = arg.startsWith("--") && eq > 0 ? arg.substring(0, eq) : arg;
            switch (option) {
                case "--help", "-h", "help" -> {
                    return Optional.empty();
                }
                case "--server", "--token", "--location", "--buffer" -> {
                    String value = eq > 0 && arg.startsWith("--") ? arg.substring(eq + 1) : Args.value(argv, ++i, option);
                    if (value.isBlank()) {
                        throw new IllegalArgumentException(option + " needs a value");
                    }
                    values.put(option.substring(2), value.strip());
                }
                default -> throw new IllegalArgumentException(arg.startsWith("-")
                        ? "unknown option '" + arg + "' (options: --server, --token, --location, --buffer)"
                        : "unexpected argument '" + arg + "'");
            }
        }
        for (String k : List.of("server", "location", "token")) {
            if (!values.containsKey(k)) {
                throw new IllegalArgumentException("--" + k + " is required (or WATCHPOST_PROBER_"
                        + k.toUpperCase(java.util.Locale.ROOT) + ")");
            }
        }
        java.net.URI server;
        try {
            server = new java.net.URI(values.get("server"));
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException("--server: expected the server's URL, such as https://status.example.com "
                    + "(got '" + values.get("server") + "')");
        }
        return Optional.of(new RemoteProber.Settings(server, values.get("token"), values.get("location"),
                Path.of(values.getOrDefault("buffer", "prober-buffer"))));
    }

    /** The agent's options over its defaults; empty when help was asked for. */
    static Optional<StatsAgent.Settings> agentSettings(String[] argv) {
        StatsAgent.Settings defaults = StatsAgent.Settings.defaults();
        String host = defaults.host();
        String port = Integer.toString(defaults.port());
        String path = defaults.path();
        String disk = defaults.disk().toString();
        for (int i = 0; i < argv.length; i++) {
            String arg = argv[i];
            int eq = arg.indexOf('=');
            String option = arg.startsWith("--") && eq > 0 ? arg.substring(0, eq) : arg;
            switch (option) {
                case "--help", "-h", "help" -> {
                    return Optional.empty();
                }
                case "--host", "--port", "--path", "--disk" -> {
                    String value = eq > 0 && arg.startsWith("--") ? arg.substring(eq + 1) : Args.value(argv, ++i, option);
                    if (value.isBlank()) {
                        throw new IllegalArgumentException(option + " needs a value");
                    }
                    switch (option) {
                        case "--host" -> host = value;
                        case "--port" -> port = value;
                        case "--path" -> path = value;
                        default -> disk = value;
                    }
                }
                default -> throw new IllegalArgumentException(arg.startsWith("-")
                        ? "unknown option '" + arg + "' (options: --host, --port, --path, --disk)"
                        : "unexpected argument '" + arg + "'");
            }
        }
        if (!port.matches("\\d{1,5}") || Integer.parseInt(port) > 65535) {
            throw new IllegalArgumentException("--port must be a port number 0-65535 (got '" + port + "')");
        }
        return Optional.of(new StatsAgent.Settings(host, Integer.parseInt(port), path, Path.of(disk)));
    }

    /**
     * Checks the configuration, the database and every declaration before a restart, without side
     * effects (see {@link Watchpost#check}): safe beside the running server.
     */
    /**
     * A full start and an orderly stop: proves the port can be bound and every part starts. Not safe
     * beside a running server on the same database (it runs like one for a moment); the launcher uses it
     * on a scratch directory to record the class-data-sharing archive of a real start.
     */
    private static int checkByStarting(WatchpostConfig config, PrintStream out) {
        try (Watchpost app = Watchpost.start(config, Clock.systemUTC())) {
            out.println("ok: started on port " + app.port() + " and stopped");
        }
        return 0;
    }

    private static int check(WatchpostConfig config, PrintStream out) {
        Watchpost.Checked c = Watchpost.check(config, Clock.systemUTC());
        out.println("ok: configuration valid, database schema " + c.schemaVersion() + ", " + c.targets() + " targets, "
                + c.channels() + " channels, " + c.rules() + " rules declared (nothing started, port "
                + config.server().port() + " not bound)");
        out.println(dev.watchpost.reload.RunningServer.compare(config));
        return 0;
    }

    /**
     * For commands that only read: the message when the SQLite file they would read does not exist.
     * Opening it would create an empty database wherever the command happened to run.
     */
    private static Optional<String> missingDatabase(WatchpostConfig config) {
        return Database.sqliteFile(config.storage().jdbcUrl()).filter(f -> !java.nio.file.Files.exists(f))
                .map(f -> "no database at " + f + (config.storage().url().isPresent()
                        ? " (storage.url)" : " (storage.data-dir; pass --config FILE or set WATCHPOST_DATA)"));
    }

    private static int token(Args args, WatchpostConfig config, PrintStream out, PrintStream err) {
        if (args.command.size() < 2) {
            err.println("watchpost: token needs a subcommand: create, list or revoke");
            return 2;
        }
        String sub = args.command.get(1);
        if (sub.equals("create") && args.scope.isEmpty()) {
            err.println("watchpost: token create needs --scope ingest|read|admin|prober");
            return 2;
        }
        Optional<Scope> scope = args.scope.map(s -> Scope.parse(s).orElse(null));
        if (args.scope.isPresent() && scope.isEmpty()) {
            err.println("watchpost: --scope must be one of " + Scope.names() + " (got '" + args.scope.get() + "')");
            return 2;
        }
        if (args.location.isPresent()) {
            if (!sub.equals("create") || scope.orElse(null) != Scope.PROBER) {
                err.println("watchpost: --location binds a prober token to its location: token create --scope prober --location NAME");
                return 2;
            }
            Optional<String> problem = Probers.nameProblem(args.location.get());
            if (problem.isPresent()) {
                err.println("watchpost: --location: " + problem.get());
                return 2;
            }
        }
        if (!List.of("create", "list", "revoke").contains(sub)) {
            err.println("watchpost: unknown token subcommand '" + sub + "' (create, list, revoke)");
            return 2;
        }
        if (sub.equals("revoke") && (args.command.size() != 3 || !args.command.get(2).matches("\\d{1,18}"))) {
            err.println("watchpost: token revoke needs the token's numeric id (see 'watchpost token list')");
            return 2;
        }
        if (!sub.equals("create")) {
            Optional<String> missing = missingDatabase(config);
            if (missing.isPresent()) { // nothing to list or revoke: say where we looked instead of creating it
                err.println("watchpost: " + missing.get());
                return 1;
            }
        }
        var meters = new SimpleMeterRegistry();
        try (Database db = Stores.open(config.storage(), meters);
             WriteBehind writer = new WriteBehind(db, config.storage().flushInterval(), meters);
             Tokens tokens = new Tokens(new TokenStore(db), writer, Clock.systemUTC(), config.auth())) {
            switch (sub) {
                case "create" -> {
                    Tokens.Created c = tokens.create(scope.get(), args.name.orElse(scope.get().id() + " token"), args.location);
                    out.println(c.token());
                    err.println("Created " + c.stored().scope().id() + " token #" + c.stored().id() + " ("
                            + c.stored().name() + c.stored().location().map(l -> ", for location " + l).orElse("")
                            + "). Store it now: it is not shown again.");
                    return 0;
                }
                case "list" -> {
                    out.printf("%-5s %-7s %-10s %-25s %-25s %s%n", "ID", "SCOPE", "HINT", "CREATED", "REVOKED", "NAME");
                    for (ApiToken t : tokens.list()) {
                        out.printf("%-5d %-7s %-10s %-25s %-25s %s%n", t.id(), t.scope().id(), t.hint() + "…",
                                t.createdAt(), t.revokedAt().map(Object::toString).orElse("-"),
                                t.name() + t.location().map(l -> " (location " + l + ")").orElse(""));
                    }
                    return 0;
                }
                case "revoke" -> {
                    long id = Long.parseLong(args.command.get(2));
                    if (!tokens.revoke(id)) {
                        err.println("watchpost: no active token with id " + id);
                        return 1;
                    }
                    out.println("Revoked token #" + id);
                    return 0;
                }
                default -> throw new IllegalStateException("subcommand checked above: " + sub);
            }
        }
    }

    /**
     * {@code password set}: reads the new password twice (without echo on a terminal), or once with
     * {@code --password-stdin} for scripts, and stores its PBKDF2 hash. Every dashboard session ends.
     */
    private static int password(Args args, WatchpostConfig config, InputStream in, PrintStream err) {
        if (args.command.size() != 2 || !args.command.get(1).equals("set")) {
            err.println("watchpost: password needs the subcommand 'set' (watchpost password set [--password-stdin])");
            return 2;
        }
        char[] first;
        try {
            java.io.Console console = in == System.in ? System.console() : null;
            if (args.passwordStdin) {
                first = readLine(in);
            } else if (console != null) {
                first = console.readPassword("New dashboard password: ");
                char[] again = console.readPassword("Again: ");
                first = same(first, again);
            } else {
                err.print("New dashboard password: ");
                err.flush();
                first = readLine(in);
                err.print("Again: ");
                err.flush();
                first = same(first, readLine(in));
            }
        } catch (java.io.IOException e) {
            err.println("watchpost: cannot read the password: " + e.getMessage());
            return 1;
        }
        if (first == null) {
            err.println("watchpost: the passwords do not match (or none was given); nothing changed");
            return 1;
        }
        try {
            Optional<String> problem = Passwords.problem(first);
            if (problem.isPresent()) {
                err.println("watchpost: " + problem.get() + "; nothing changed");
                return 2;
            }
            String hash = Passwords.hash(first);
            try (Database db = Stores.open(config.storage(), new SimpleMeterRegistry())) {
                int ended = new AdminStore(db).setPassword(hash, Clock.systemUTC().instant());
                err.println("Dashboard password set" + (ended > 0 ? "; " + ended + " session(s) signed out" : "")
                        + ". Sign in at /admin/login.");
            }
            return 0;
        } finally {
            java.util.Arrays.fill(first, '\0');
        }
    }

    /**
     * {@code secrets status}: the key's source and id, and how many rows each key sealed.
     * {@code secrets rotate-key}: a new key (made, or read from stdin), every sealed row resealed with
     * it in one transaction; a key file is replaced only after the commit (see {@link SecretKeys}),
     * a key from the environment is printed for the operator to put in its place.
     */
    private static int secrets(Args args, WatchpostConfig config, InputStream in, PrintStream out, PrintStream err) {
        String sub = args.command.size() == 2 ? args.command.get(1) : "";
        if (!sub.equals("status") && !sub.equals("rotate-key")) {
            err.println("watchpost: secrets needs the subcommand status or rotate-key");
            return 2;
        }
        Optional<String> missing = missingDatabase(config);
        if (missing.isPresent()) {
            err.println("watchpost: " + missing.get());
            return 1;
        }
        SecretKeys keys = Watchpost.keys(config);
        String source = keys.fromEnvironment() ? "WATCHPOST_SECRETS_KEY" : keys.file().toString();
        if (!keys.fromEnvironment() && !java.nio.file.Files.exists(keys.file())) {
            err.println("watchpost: no key at " + keys.file() + " yet: the server makes it on its first start");
            return 1;
        }
        if (sub.equals("status")) {
            try (Database db = Stores.open(config.storage(), new SimpleMeterRegistry())) {
                SecretBox box = keys.open(false);
                out.println("key " + box.keyId() + " from " + source);
                SecretsAtRest.census(db).forEach((id, n) -> out.println(n + " row(s) " + (id.equals("plain") ? "not sealed yet"
                        : "sealed with key " + id + (id.equals(box.keyId()) ? "" : " (not the key in use)"))));
            }
            return 0;
        }
        Optional<String> running = runningServer(config);
        if (running.isPresent()) {
            err.println("watchpost: Watchpost answers at " + running.get() + ": stop it (every node, on PostgreSQL) "
                    + "before rotating the key; a running server keeps sealing with the key it started with");
            return 1;
        }
        byte[] next;
        if (args.newKeyStdin) {
            try {
                char[] line = readLine(in);
                next = line == null ? new byte[0] : java.util.Base64.getDecoder().decode(new String(line).strip());
            } catch (java.io.IOException | IllegalArgumentException e) {
                next = new byte[0];
            }
            if (next.length != 32) {
                err.println("watchpost: the new key must be 32 random bytes in base64 (openssl rand -base64 32); nothing changed");
                return 2;
            }
        } else {
            next = SecretBox.newKey();
        }
        try (Database db = Stores.open(config.storage(), new SimpleMeterRegistry())) {
            SecretBox current = keys.open(false);
            SecretBox rotated = SecretBox.of(next);
            if (!keys.fromEnvironment()) {
                keys.stage(next); // before any row is sealed with it: a crash now loses no key
            }
            int rows = SecretsAtRest.reseal(db, current, rotated);
            if (keys.fromEnvironment()) {
                if (!args.newKeyStdin) {
                    out.println(java.util.Base64.getEncoder().encodeToString(next));
                }
                err.println("Resealed " + rows + " row(s) with key " + rotated.keyId() + " (was " + current.keyId()
                        + "). Set WATCHPOST_SECRETS_KEY to the new key" + (args.newKeyStdin ? "" : " printed above")
                        + " before starting Watchpost.");
            } else {
                keys.commit();
                err.println("Resealed " + rows + " row(s) with key " + rotated.keyId() + " (was " + current.keyId()
                        + "); " + keys.file() + " holds the new key. Copies of the old key file open nothing now.");
            }
            return 0;
        }
    }

    /** The address where a Watchpost of this configuration answers /healthz, if one does. */
    private static Optional<String> runningServer(WatchpostConfig config) {
        String host = config.server().host();
        if (host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")) {
            host = "127.0.0.1";
        }
        String url = "http://" + (host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host) + ":"
                + config.server().port() + "/healthz";
        try {
            var client = java.net.http.HttpClient.newBuilder().connectTimeout(java.time.Duration.ofSeconds(1)).build();
            var res = client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url))
                    .timeout(java.time.Duration.ofSeconds(2)).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            return res.statusCode() == 200 ? Optional.of(url.replace("/healthz", "")) : Optional.empty();
        } catch (java.io.IOException | IllegalArgumentException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** {@code a} when both are equal (wiping {@code b}), else null (wiping both). */
    private static char[] same(char[] a, char[] b) {
        if (a == null || b == null || !java.util.Arrays.equals(a, b)) {
            if (a != null) {
                java.util.Arrays.fill(a, '\0');
            }
            if (b != null) {
                java.util.Arrays.fill(b, '\0');
            }
            return null;
        }
        java.util.Arrays.fill(b, '\0');
        return a;
    }

    /** One line of UTF-8 without its line break; null at end of input. Byte by byte: nothing is read ahead. */
    private static char[] readLine(InputStream in) throws java.io.IOException {
        java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
        int b;
        boolean any = false;
        while ((b = in.read()) >= 0) {
            any = true;
            if (b == '\n') {
                break;
            }
            buf.write(b);
        }
        if (!any) {
            return null;
        }
        byte[] bytes = buf.toByteArray();
        int n = bytes.length;
        if (n > 0 && bytes[n - 1] == '\r') {
            n--;
        }
        java.nio.CharBuffer chars = java.nio.charset.StandardCharsets.UTF_8.decode(java.nio.ByteBuffer.wrap(bytes, 0, n));
        char[] out = new char[chars.remaining()];
        chars.get(out);
        java.util.Arrays.fill(bytes, (byte) 0);
        return out;
    }

    /** Parsed command line. */
    static final class Args {
        final List<String> command = new ArrayList<>();
        Optional<String> config = Optional.empty();
        Optional<String> scope = Optional.empty();
        Optional<String> name = Optional.empty();
        Optional<String> location = Optional.empty();
        boolean insecure;
        boolean help;
        boolean passwordStdin;
        boolean newKeyStdin;
        boolean start;

        static Args parse(String[] argv) {
            Args a = new Args();
            for (int i = 0; i < argv.length; i++) {
                String arg = argv[i];
                switch (arg) {
                    case "--config", "-c" -> a.config = Optional.of(value(argv, ++i, arg));
                    case "--scope" -> a.scope = Optional.of(value(argv, ++i, arg));
                    case "--name" -> a.name = Optional.of(value(argv, ++i, arg));
                    case "--location" -> a.location = Optional.of(value(argv, ++i, arg));
                    case "--insecure" -> a.insecure = true;
                    case "--password-stdin" -> a.passwordStdin = true;
                    case "--new-key-stdin" -> a.newKeyStdin = true;
                    case "--start" -> a.start = true;
                    case "--help", "-h", "help" -> a.help = true;
                    default -> {
                        if (arg.startsWith("--config=")) {
                            a.config = Optional.of(arg.substring("--config=".length()));
                        } else if (arg.startsWith("--scope=")) {
                            a.scope = Optional.of(arg.substring("--scope=".length()));
                        } else if (arg.startsWith("--name=")) {
                            a.name = Optional.of(arg.substring("--name=".length()));
                        } else if (arg.startsWith("--location=")) {
                            a.location = Optional.of(arg.substring("--location=".length()));
                        } else if (arg.startsWith("-")) {
                            throw new IllegalArgumentException("unknown option '" + arg + "'");
                        } else {
                            a.command.add(arg);
                        }
                    }
                }
            }
            if (a.command.isEmpty()) {
                a.command.add("serve");
            }
            return a;
        }

        private static String value(String[] argv, int i, String option) {
            if (i >= argv.length || argv[i].startsWith("--")) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            return argv[i];
        }
    }
}
