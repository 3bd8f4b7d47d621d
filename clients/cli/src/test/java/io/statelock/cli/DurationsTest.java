package io.statelock.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class DurationsTest {
    @Test
    void parses() {
        assertEquals(Duration.ofSeconds(30), Durations.parse("30s"));
        assertEquals(Duration.ofMinutes(10), Durations.parse("10m"));
        assertEquals(Duration.ofMillis(500), Durations.parse("500ms"));
        assertEquals(Duration.ofMinutes(90), Durations.parse("1h30m"));
        assertEquals(Duration.ofMillis(2500), Durations.parse("2.5s"));
        assertEquals(Duration.ofSeconds(7), Durations.parse("7"));
        assertEquals(Duration.ZERO, Durations.parse("0"));
    }

    @Test
    void rejectsGarbage() {
        for (String bad : new String[] {"", "s", "10x", "1h 2m", "-5s", "5s3"}) {
            assertThrows(CommandLine.TypeConversionException.class, () -> Durations.parse(bad), bad);
        }
    }

    @Test
    void formatsLikeTheProgressLine() {
        assertEquals("3m12s", Durations.format(Duration.ofSeconds(192)));
        assertEquals("22s", Durations.format(Duration.ofSeconds(22)));
        assertEquals("1h2m", Durations.format(Duration.ofMinutes(62)));
        assertEquals("800ms", Durations.format(Duration.ofMillis(800)));
        assertEquals("2.5s", Durations.format(Duration.ofMillis(2500)));
    }

    @Test
    void loopbackDetection() {
        assertTrue(Connection.isLoopback("localhost:8080"));
        assertTrue(Connection.isLoopback("127.0.0.1:9"));
        assertTrue(Connection.isLoopback("[::1]:8080"));
        assertFalse(Connection.isLoopback("statelock.internal:443"));
    }

    @Test
    void usageErrorsExit64AndHelpListsExitCodes() {
        assertEquals(64, Main.execute("run", "--key", "k"));
        assertEquals(64, Main.execute("status"));
        assertEquals(64, Main.execute("run", "--key", "k", "--ttl", "soon", "--", "true"));
        String help = Main.commandLine().getUsageMessage();
        for (String code : new String[] {"64", "69", "70", "75", "76", "77"}) {
            assertTrue(help.contains(code), "help lists exit code " + code);
        }
    }

    @Test
    void runTakesTheCommandWithOrWithoutDoubleDash() {
        for (String[] args : new String[][] {
            {"run", "--key", "k", "--", "sh", "-c", "exit 3"},
            {"run", "--key", "k", "sh", "-c", "exit 3"}
        }) {
            CommandLine cl = Main.commandLine();
            CommandLine.ParseResult pr = cl.parseArgs(args);
            RunCommand run = (RunCommand) pr.subcommand().commandSpec().userObject();
            assertEquals(java.util.List.of("sh", "-c", "exit 3"), run.command);
            assertEquals("k", run.lock.key);
        }
    }

    @Test
    void addressSchemesPickTheTransport() {
        Connection c = new Connection();
        c.addr = "http://127.0.0.1:1/";
        c.timeout = Duration.ofSeconds(1);
        c.retryTimeout = Duration.ZERO;
        c.connect().close();
        assertEquals("127.0.0.1:1", c.addr);
        assertTrue(c.plaintext);
    }
}
