package io.statelock.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/** The repository root (the folder with {@code proto/statelock} and {@code mvnw}), found from the working directory up. */
public final class RepoRoot {
    private RepoRoot() {}

    /** Tests run with their module as working directory; walk up so a run from any sub-folder finds it too. */
    public static Path find() {
        Path dir = Path.of("").toAbsolutePath();
        for (Path d = dir; d != null; d = d.getParent()) {
            if (Files.isDirectory(d.resolve("proto/statelock")) && Files.isRegularFile(d.resolve("mvnw"))) {
                return d;
            }
        }
        throw new IllegalStateException("not inside the statelock repository: " + dir);
    }
}
