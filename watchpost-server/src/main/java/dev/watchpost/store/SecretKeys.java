package dev.watchpost.store;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;

/**
 * Where the key that seals secrets at rest comes from: {@code WATCHPOST_SECRETS_KEY} when set (every
 * node of a cluster needs the same key), otherwise a key file beside the database, made with mode
 * 0600 on the first start. A rotation writes the new key to {@code <file>.new} before it reseals any
 * row and renames it over the key file after committing, so a rotation cut short leaves a key for
 * every row: the next start opens both and finishes or abandons it ({@link #settle}).
 */
public final class SecretKeys {

    private static final Logger LOG = LoggerFactory.getLogger(SecretKeys.class);
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private final Optional<byte[]> fromEnvironment;
    private final Path file;

    /**
     * @param fromEnvironment the key in base64, validated by the configuration loader
     * @param file the key file used when no key is in the environment
     */
    public SecretKeys(Optional<String> fromEnvironment, Path file) {
        this.fromEnvironment = fromEnvironment.map(k -> Base64.getDecoder().decode(k.strip()));
        this.file = file;
    }

    /** Whether the key comes from the environment (rotation then prints the new key instead of writing a file). */
    public boolean fromEnvironment() {
        return fromEnvironment.isPresent();
    }

    public Path file() {
        return file;
    }

    Path pendingFile() {
        return file.resolveSibling(file.getFileName() + ".new");
    }

    /**
     * The box of the current key (and of a rotation's new key while one is pending).
     *
     * @param create make the key file when it does not exist (the server; read-only commands pass false
     *        and get a box that opens nothing sealed)
     */
    public SecretBox open(boolean create) {
        if (fromEnvironment.isPresent()) {
            return SecretBox.of(fromEnvironment.get());
        }
        byte[] current;
        if (Files.exists(file)) {
            current = read(file);
            warnIfShared(file);
        } else if (create) {
            current = SecretBox.newKey();
            try {
                write(file, current);
                LOG.info("event=secrets.key_created file={} key={}", file, SecretBox.keyId(current));
            } catch (FileAlreadyExistsException raced) {
                current = read(file);
            } catch (IOException e) {
                throw new StoreException("cannot create the secrets key file " + file + ": " + e.getMessage(), e);
            }
        } else {
            current = SecretBox.newKey(); // nothing was ever sealed on this machine, or the key file is missing
        }
        Path pending = pendingFile();
        return Files.exists(pending) ? SecretBox.of(current, read(pending)) : SecretBox.of(current);
    }

    /**
     * Ends a rotation that stopped between writing the new key file and renaming it: when rows are
     * sealed with the new key the rename is done (the rotation committed), otherwise the new key is
     * dropped. Returns the box to seal with from now on.
     */
    public SecretBox settle(SecretBox box, java.util.function.Predicate<String> anyRowSealedWith) {
        Path pending = pendingFile();
        if (fromEnvironment.isPresent() || !Files.exists(pending)) {
            return box;
        }
        byte[] next = read(pending);
        byte[] current = read(file);
        try {
            if (anyRowSealedWith.test(SecretBox.keyId(next))) {
                Files.move(pending, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                LOG.info("event=secrets.rotation_finished key={}", SecretBox.keyId(next));
                return SecretBox.of(next, current);
            }
            Files.delete(pending);
            LOG.info("event=secrets.rotation_abandoned key={}", SecretBox.keyId(current));
            return SecretBox.of(current);
        } catch (IOException e) {
            throw new StoreException("cannot finish the key rotation at " + pending + ": " + e.getMessage(), e);
        }
    }

    /** Writes a rotation's new key beside the current one (0600), before any row is sealed with it. */
    public void stage(byte[] next) {
        try {
            Files.deleteIfExists(pendingFile());
            write(pendingFile(), next);
        } catch (IOException e) {
            throw new StoreException("cannot write " + pendingFile() + ": " + e.getMessage(), e);
        }
    }

    /** After the rows were resealed: the staged key becomes the key file. */
    public void commit() {
        try {
            Files.move(pendingFile(), file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new StoreException("the rows are sealed with the key in " + pendingFile()
                    + ", but it could not be renamed to " + file + " (" + e.getMessage() + "): rename it by hand", e);
        }
    }

    private static byte[] read(Path f) {
        try {
            byte[] k = Base64.getDecoder().decode(Files.readString(f, StandardCharsets.US_ASCII).strip());
            if (k.length != 32) {
                throw new IllegalArgumentException("length");
            }
            return k;
        } catch (IOException e) {
            throw new StoreException("cannot read the secrets key file " + f + ": " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new StoreException("the secrets key file " + f + " does not hold a key (32 bytes in base64)");
        }
    }

    private static void write(Path f, byte[] key) throws IOException {
        if (f.getParent() != null) {
            Files.createDirectories(f.getParent());
        }
        byte[] text = (Base64.getEncoder().encodeToString(key) + "\n").getBytes(StandardCharsets.US_ASCII);
        try {
            Files.createFile(f, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        } catch (UnsupportedOperationException notPosix) {
            Files.createFile(f);
        }
        Files.write(f, text);
    }

    private static void warnIfShared(Path f) {
        try {
            Set<PosixFilePermission> p = Files.getPosixFilePermissions(f);
            if (p.contains(PosixFilePermission.GROUP_READ) || p.contains(PosixFilePermission.OTHERS_READ)) {
                LOG.warn("event=secrets.key_readable file={} mode={} reason=\"others than the owner can read the key: chmod 600 it\"",
                        f, PosixFilePermissions.toString(p));
            }
        } catch (IOException | UnsupportedOperationException ignored) {
            // not a POSIX file system: nothing to check
        }
    }
}
