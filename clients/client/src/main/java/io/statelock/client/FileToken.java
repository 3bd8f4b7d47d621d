package io.statelock.client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;

/** A token file, re-read on every call; the last good token covers a file caught mid-rewrite. */
final class FileToken implements Supplier<String> {
    private static final System.Logger LOG = System.getLogger(FileToken.class.getName());

    private final Path path;
    private volatile String lastGood;

    FileToken(Path path) {
        this.path = path;
    }

    @Override
    public String get() {
        String problem;
        try {
            String t = BearerTokens.normalize(Files.readString(path, StandardCharsets.UTF_8));
            if (!t.isEmpty()) {
                lastGood = t;
                return t;
            }
            problem = "it is empty";
        } catch (java.nio.file.NoSuchFileException e) {
            problem = "no such file";
        } catch (java.nio.file.AccessDeniedException e) {
            problem = "permission denied";
        } catch (IOException | UncheckedIOException e) {
            problem = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        }
        String last = lastGood;
        if (last != null) {
            String p = problem;
            LOG.log(
                    System.Logger.Level.DEBUG,
                    () -> "token file " + path + " not usable (" + p + "); using the token read before");
            return last;
        }
        throw new TokenException("cannot read token file " + path + ": " + problem);
    }

    @Override
    public String toString() {
        return "token file " + path;
    }
}
