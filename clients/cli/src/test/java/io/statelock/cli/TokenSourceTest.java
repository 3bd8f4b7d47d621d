package io.statelock.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Which token the CLI sends: flags, then the environment, then GitHub Actions OIDC. */
class TokenSourceTest {
    @TempDir
    Path dir;

    private static Connection parse(String... args) {
        Connection c = new Connection();
        new CommandLine(c).parseArgs(args);
        return c;
    }

    @Test
    void flagsWinOverTheEnvironment() throws Exception {
        Path file = dir.resolve("t");
        Files.writeString(file, "from-file\n");
        Map<String, String> env = Map.of("STATELOCK_TOKEN", "from-env");
        assertEquals("from-flag", parse("--token", "from-flag").tokenSource(env).get());
        assertEquals(
                "from-file",
                parse("--token-file", file.toString()).tokenSource(env).get());
        assertEquals("from-env", parse().tokenSource(env).get());
        assertEquals(
                "from-file",
                parse().tokenSource(Map.of("STATELOCK_TOKEN_FILE", file.toString()))
                        .get());
    }

    @Test
    void twoSourcesAtTheSameLevelAreAUsageError() {
        assertThrows(
                UsageException.class,
                () -> parse("--token", "a", "--token-file", "f").tokenSource(Map.of()));
        assertThrows(
                UsageException.class,
                () -> parse().tokenSource(Map.of("STATELOCK_TOKEN", "a", "STATELOCK_TOKEN_FILE", "f")));
    }

    @Test
    void githubActionsOnlyWhenNothingElseIsGivenAndBothVariablesAreSet() {
        Map<String, String> gh = Map.of(
                "ACTIONS_ID_TOKEN_REQUEST_URL",
                "http://127.0.0.1:1/x?api-version=2.0",
                "ACTIONS_ID_TOKEN_REQUEST_TOKEN",
                "r");
        assertEquals(
                "GitHub Actions OIDC token (audience statelock)",
                parse().tokenSource(gh).toString());
        assertEquals(
                "GitHub Actions OIDC token (audience other)",
                parse("--audience", "other").tokenSource(gh).toString());
        assertEquals("--token", parse("--token", "t").tokenSource(gh).toString());
        assertNull(parse().tokenSource(Map.of("ACTIONS_ID_TOKEN_REQUEST_URL", "http://x")));
        assertNull(parse().tokenSource(Map.of()));
    }
}
