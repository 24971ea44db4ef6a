package dev.watchpost.app;

import dev.watchpost.admin.AdminStore;
import dev.watchpost.admin.Passwords;
import dev.watchpost.store.Database;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code watchpost password set}: asked twice, or once from stdin for scripts; only a PBKDF2 hash is stored. */
@Tag("integration")
class MainPasswordTest {

    @TempDir
    Path dir;

    private record Result(int code, String out, String err) {
    }

    private Result run(String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, Map.of("WATCHPOST_DATA", dir.toString()),
                new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private Optional<String> stored() {
        try (Database db = Stores.open(dev.watchpost.config.ConfigLoader.load(Optional.empty(),
                Map.of("WATCHPOST_DATA", dir.toString()), false).storage(), new SimpleMeterRegistry())) {
            return new AdminStore(db).passwordHash();
        }
    }

    @Test
    void setTwiceFromTheTerminalOrOnceWithPasswordStdin() {
        Result r = run("a long enough secret\na long enough secret\n", "password", "set");
        assertThat(r.code()).as(r.err()).isEqualTo(0);
        assertThat(r.err()).contains("New dashboard password: ").contains("Again: ").contains("Dashboard password set");
        assertThat(r.out()).isEmpty();
        String hash = stored().orElseThrow();
        assertThat(hash).startsWith("pbkdf2-sha256$210000$").doesNotContain("secret");
        assertThat(Passwords.verify("a long enough secret".toCharArray(), hash)).isTrue();

        Result scripted = run("another long secret\r\n", "password", "set", "--password-stdin");
        assertThat(scripted.code()).isEqualTo(0);
        assertThat(Passwords.verify("another long secret".toCharArray(), stored().orElseThrow())).isTrue();
    }

    @Test
    void mismatchTooShortAndBadUsageChangeNothing() {
        assertThat(run("a long enough secret\nanother one entirely\n", "password", "set").code()).isEqualTo(1);
        assertThat(run("short\n", "password", "set", "--password-stdin").err())
                .contains("the password must be at least 12 characters; nothing changed");
        assertThat(run("", "password", "set", "--password-stdin").code()).isEqualTo(1);
        assertThat(run("", "password").code()).isEqualTo(2);
        assertThat(stored()).isEmpty();
    }
}
