package io.statelock.harness;

import java.nio.file.Path;
import java.time.Duration;

/**
 * One run's settings. The lease timings are the ones the checks are judged against: ttl 3 s and the
 * service's default max-clock-skew of 1 s.
 *
 * @param duration how long workers run under faults (faults stop {@link #quietTail} before the end)
 * @param broken   one replica skips the fence check, and paused workers write through it: the run must fail
 */
record HarnessOptions(long seed, Duration duration, int workers, int keys, int replicas, boolean broken, Path workDir) {
    /** Lease ttl the workers ask for: short, so pauses and expiries happen often in a short run. */
    static final Duration TTL = Duration.ofSeconds(3);
    /** The service's statelock.lease.max-clock-skew (default); clock offsets stay within half of it. */
    static final Duration SKEW = Duration.ofSeconds(1);
    /** Liveness margin over ttl + skew: one wait poll interval (1 s), a JVM restart's reconnects and a loaded machine. */
    static final Duration LIVENESS_MARGIN = Duration.ofSeconds(6);
    /** A paused worker sleeps past ttl + skew + one poll interval, so another worker surely takes the key. */
    static final Duration PAUSE = TTL.plus(SKEW).plusSeconds(2);
    /** How long a worker's acquire waits server-side. */
    static final Duration ACQUIRE_WAIT = Duration.ofSeconds(5);
    /** Workers per group; a group shares one owner and one options object. */
    static final int WORKERS_PER_GROUP = 4;

    static final String USAGE = String.join(
            "\n",
            "usage: harness [--seed N] [--duration 45s] [--workers 16] [--keys 4] [--replicas 2] [--broken] [--work-dir DIR]",
            "  --seed N        seed of the fault schedule and of the workers' choices (default: random, printed)",
            "  --duration D    how long the workers run under faults, e.g. 45s, 10m (default 45s)",
            "  --workers N     client workers, at least 1 (default 16)",
            "  --keys N        lock keys they share (default 4)",
            "  --replicas N    service replicas, at least 2 (default 2)",
            "  --broken        one replica skips the fence check: the run must report violations",
            "  --work-dir DIR  logs and store data (default target/harness/<seed>-<time>)");

    static HarnessOptions ci(boolean broken, Path workDir) {
        // 30 s: the schedule always completes one full round of every fault kind, however slow the restarts.
        return new HarnessOptions(broken ? 7 : 42, Duration.ofSeconds(broken ? 15 : 30), 16, 4, 2, broken, workDir);
    }

    /** Groups of workers sharing one options object (and owner): at least one. */
    int groups() {
        return Math.max(1, workers / WORKERS_PER_GROUP);
    }

    /** Faults stop this long before the workers do, so the run ends quietly before the liveness check. */
    Duration quietTail() {
        return Duration.ofSeconds(4);
    }

    long livenessBoundMs() {
        return TTL.plus(SKEW).plus(LIVENESS_MARGIN).toMillis();
    }

    static HarnessOptions parse(String... args) {
        long seed = System.nanoTime() ^ 0x5DEECE66DL;
        Duration duration = Duration.ofSeconds(45);
        int workers = 16;
        int keys = 4;
        int replicas = 2;
        boolean broken = false;
        Path workDir = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--broken" -> broken = true;
                case "--seed" -> seed = Long.parseLong(value(args, ++i, a));
                case "--duration" -> duration = duration(value(args, ++i, a));
                case "--workers" -> workers = Integer.parseInt(value(args, ++i, a));
                case "--keys" -> keys = Integer.parseInt(value(args, ++i, a));
                case "--replicas" -> replicas = Integer.parseInt(value(args, ++i, a));
                case "--work-dir" -> workDir = callerDir().resolve(value(args, ++i, a));
                default -> throw new IllegalArgumentException("unknown option " + a + "\n" + USAGE);
            }
        }
        if (workers < 1 || keys < 1 || replicas < 2 || duration.toSeconds() < 5) {
            throw new IllegalArgumentException("need workers >= 1, keys >= 1, replicas >= 2, duration >= 5s\n" + USAGE);
        }
        if (workDir == null) {
            workDir = Path.of("target", "harness", seed + "-" + System.currentTimeMillis());
        }
        return new HarnessOptions(seed, duration, workers, keys, replicas, broken, workDir);
    }

    /** Where the user started the harness (clients/bin/harness runs it from clients/harness): relative paths start there. */
    private static Path callerDir() {
        String dir = System.getProperty("harness.caller-dir");
        return dir == null || dir.isBlank() ? Path.of("") : Path.of(dir);
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value\n" + USAGE);
        }
        return args[i];
    }

    /** {@code 45s}, {@code 10m}, {@code 1h}, {@code 500ms} or ISO-8601 ({@code PT45S}). */
    static Duration duration(String s) {
        String v = s.trim().toLowerCase(java.util.Locale.ROOT);
        if (v.startsWith("pt")) {
            return Duration.parse(v.toUpperCase(java.util.Locale.ROOT));
        }
        if (v.endsWith("ms")) {
            return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
        }
        long n = Long.parseLong(v.substring(0, v.length() - 1));
        return switch (v.charAt(v.length() - 1)) {
            case 's' -> Duration.ofSeconds(n);
            case 'm' -> Duration.ofMinutes(n);
            case 'h' -> Duration.ofHours(n);
            default -> throw new IllegalArgumentException("not a duration: " + s + " (e.g. 45s, 10m)");
        };
    }
}
