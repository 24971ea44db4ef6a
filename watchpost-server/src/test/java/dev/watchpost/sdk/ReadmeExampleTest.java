package dev.watchpost.sdk;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The README's Java SDK example compiles, for Java 17, against the SDK as built. */
class ReadmeExampleTest {

    @TempDir
    Path dir;

    @Test
    void theReadmesJavaExampleCompilesForJava17() throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"));
        int section = readme.indexOf("\n## Java SDK\n");
        assertThat(section).as("README has a section 'Java SDK'").isPositive();
        Matcher java = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL).matcher(readme);
        assertThat(java.find(section)).as("a java block in the section").isTrue();
        String source = java.group(1);
        Matcher name = Pattern.compile("public class (\\w+)").matcher(source);
        assertThat(name.find()).isTrue();
        Path file = dir.resolve(name.group(1) + ".java");
        Files.writeString(file, source);

        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager files = compiler.getStandardFileManager(diagnostics, null, null)) {
            boolean ok = compiler.getTask(null, files, diagnostics,
                    List.of("--release", "17", "-Xlint:-options", "-classpath", System.getProperty("java.class.path"),
                            "-d", dir.toString()),
                    null, files.getJavaFileObjects(file)).call();
            assertThat(ok).as(diagnostics.getDiagnostics().toString()).isTrue();
        }
        assertThat(dir.resolve(name.group(1) + ".class")).exists();
    }

    @Test
    void theSdkIsBuiltForJava17() throws IOException {
        try (var in = dev.watchpost.client.Watchpost.class.getResourceAsStream("Watchpost.class")) {
            byte[] head = in.readNBytes(8);
            int major = ((head[6] & 0xff) << 8) | (head[7] & 0xff);
            assertThat(major).as("class file version (61 is Java 17)").isEqualTo(61);
        }
    }
}
