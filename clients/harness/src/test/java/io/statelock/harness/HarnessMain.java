package io.statelock.harness;

/**
 * Runs the safety harness from the command line (see {@code clients/bin/harness}). Exit 0 when every
 * check holds, 1 on any violation, 2 when the harness itself could not run.
 */
public final class HarnessMain {
    private HarnessMain() {}

    public static void main(String[] args) {
        HarnessOptions options;
        try {
            options = HarnessOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        System.out.printf(
                "harness: seed %d, work dir %s (history.txt, server logs, store data)%n",
                options.seed(), options.workDir().toAbsolutePath());
        try {
            RunResult result = new Harness(options).run();
            Summary.print(result, System.out);
            System.exit(result.passed() ? 0 : 1);
        } catch (Exception e) {
            System.err.println("harness could not run: " + e);
            e.printStackTrace();
            System.exit(2);
        }
    }
}
