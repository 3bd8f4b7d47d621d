package io.statelock.cli;

import io.statelock.client.InvalidRequestException;
import io.statelock.client.LeaseLostException;
import io.statelock.client.LockHeldException;
import io.statelock.client.PermissionException;
import io.statelock.client.StatelockException;
import io.statelock.client.StatelockUnavailableException;
import java.io.PrintWriter;
import java.time.Instant;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code statelock} CLI. */
@Command(
        name = "statelock",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = {
            "Leases with fencing tokens for CI runners and terraform applies.",
            "Wrap a command with `statelock run --key K -- CMD...`; inspect with `status` and `list`."
        },
        subcommands = {
            RunCommand.class,
            AcquireCommand.class,
            HeartbeatCommand.class,
            ReleaseCommand.class,
            StatusCommand.class,
            ListCommand.class,
            ForceUnlockCommand.class,
            AuditCommand.class,
            CommandLine.HelpCommand.class
        },
        footerHeading = "%nEnvironment:%n",
        footer = {
            "  STATELOCK_ADDR        service address (default localhost:8080)",
            "  STATELOCK_TOKEN       bearer token sent with every call",
            "  STATELOCK_TOKEN_FILE  file with the bearer token, re-read on every call",
            "  STATELOCK_AUDIENCE    audience of the GitHub Actions OIDC token (default statelock),",
            "                        requested when ACTIONS_ID_TOKEN_REQUEST_URL/_TOKEN are set",
            "                        and no other token is given",
            "  STATELOCK_CA_FILE     CA certificate(s) for TLS",
            "  STATELOCK_CLIENT_CERT, STATELOCK_CLIENT_KEY  client certificate and key (mTLS)",
            "  STATELOCK_PLAINTEXT   true: no TLS",
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:success (after `run`: the command's own exit code)",
            "64:usage error (bad flags or arguments)",
            "69:service unreachable",
            "70:any other error",
            "75:lock not acquired within --wait",
            "76:lease lost (`run` stopped the command)",
            "77:unauthenticated or permission denied"
        })
public final class Main implements Runnable {
    /** Held strongly: java.util.logging forgets the level of a logger nobody references. */
    private static final java.util.logging.Logger DEBUG_LOGGER = java.util.logging.Logger.getLogger("io.statelock");

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command");
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    static int execute(String... args) {
        if (System.getenv("STATELOCK_DEBUG") != null) {
            java.util.logging.Logger root = DEBUG_LOGGER;
            root.setLevel(java.util.logging.Level.FINE);
            java.util.logging.ConsoleHandler h = new java.util.logging.ConsoleHandler();
            h.setLevel(java.util.logging.Level.FINE);
            root.addHandler(h);
        }
        CommandLine cl = commandLine();
        return cl.execute(args);
    }

    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setExecutionExceptionHandler(Main::handleExecutionException);
        cl.setParameterExceptionHandler(Main::handleParameterException);
        // `statelock run --key K terraform apply -input=false` works without `--`: everything from the
        // command name on belongs to the command.
        cl.getSubcommands().get("run").setStopAtPositional(true);
        return cl;
    }

    private static int handleParameterException(CommandLine.ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        PrintWriter err = cmd.getErr();
        err.println("statelock: " + ex.getMessage());
        CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
        err.println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for more information.");
        err.flush();
        return ExitCodes.USAGE;
    }

    private static int handleExecutionException(Exception ex, CommandLine cmd, CommandLine.ParseResult parse) {
        PrintWriter err = cmd.getErr();
        int code = exitCode(ex);
        err.println("statelock: " + message(ex));
        if (System.getenv("STATELOCK_DEBUG") != null) {
            ex.printStackTrace(err);
        }
        err.flush();
        return code;
    }

    static int exitCode(Throwable ex) {
        if (ex instanceof UsageException || ex instanceof InvalidRequestException) {
            return ExitCodes.USAGE;
        }
        if (ex instanceof LockHeldException) {
            return ExitCodes.NOT_ACQUIRED;
        }
        if (ex instanceof LeaseLostException) {
            return ExitCodes.LEASE_LOST;
        }
        if (ex instanceof StatelockUnavailableException) {
            return ExitCodes.UNREACHABLE;
        }
        if (ex instanceof PermissionException) {
            return ExitCodes.PERMISSION;
        }
        return ExitCodes.OTHER;
    }

    static String message(Throwable ex) {
        if (ex instanceof LockHeldException held) {
            return "lock not acquired: " + Output.holder(held.holder(), Instant.now());
        }
        if (ex instanceof LeaseLostException lost) {
            String m = lost.getMessage().contains("lost") ? lost.getMessage() : "lease lost: " + lost.getMessage();
            if (lost.current() != null && lost.current().held()) {
                m += " (now " + Output.holder(lost.current(), Instant.now()) + ")";
            }
            return m;
        }
        if (ex instanceof StatelockUnavailableException) {
            String at = Connection.lastTarget != null ? " at " + Connection.lastTarget : "";
            return "service unreachable" + at + ": " + ex.getMessage();
        }
        if (ex instanceof PermissionException p) {
            String source = Connection.lastTokenSource;
            if (source != null && ex.getMessage() != null && ex.getMessage().contains(source)) {
                source = null; // already named
            }
            if (ex.getMessage() != null && ex.getMessage().contains("client certificate")) {
                return (p.unauthenticated() ? "unauthenticated: " : "permission denied: ") + ex.getMessage()
                        + " (give one with --client-cert/--client-key or STATELOCK_CLIENT_CERT/STATELOCK_CLIENT_KEY)";
            }
            if (!p.unauthenticated()) {
                return "permission denied: " + ex.getMessage() + (source != null ? " (token from " + source + ")" : "");
            }
            return "unauthenticated: " + ex.getMessage()
                    + (source != null
                            ? " (token from " + source + ")"
                            : Connection.lastTokenSource != null
                                    ? ""
                                    : " (no token given: set STATELOCK_TOKEN or STATELOCK_TOKEN_FILE, or in GitHub Actions grant "
                                            + "`permissions: id-token: write`)");
        }
        if (ex instanceof InvalidRequestException) {
            return "invalid request: " + ex.getMessage();
        }
        if (ex instanceof StatelockException se) {
            return se.code() + ": " + ex.getMessage();
        }
        if (ex instanceof UsageException) {
            return ex.getMessage();
        }
        String m = ex.getMessage();
        return "error: " + ex.getClass().getSimpleName() + (m != null ? ": " + m : "");
    }

    /** Version from the jar manifest, if any. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"statelock " + (v != null ? v : "0.1.0-SNAPSHOT")};
        }
    }
}
