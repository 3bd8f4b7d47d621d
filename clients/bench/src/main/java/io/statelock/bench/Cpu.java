package io.statelock.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time of the service and store processes (from /proc/PID/stat, clock ticks of 10 ms) and of
 * this load generator (its own JVM's process CPU time).
 */
final class Cpu {
    private static final double TICK_US = 10_000; // USER_HZ is 100 on Linux

    /** CPU consumed between two snapshots. NaN where the process is unknown. */
    record Delta(double serviceUs, double storeUs, double loadUs) {
        double servicePerOp(long ops) {
            return ops == 0 ? Double.NaN : serviceUs / ops;
        }

        double storePerOp(long ops) {
            return ops == 0 ? Double.NaN : storeUs / ops;
        }

        double loadPerOp(long ops) {
            return ops == 0 ? Double.NaN : loadUs / ops;
        }
    }

    record Snapshot(double serviceUs, double storeUs, double loadUs) {
        Delta since(Snapshot before) {
            return new Delta(serviceUs - before.serviceUs, storeUs - before.storeUs, loadUs - before.loadUs);
        }
    }

    private final long servicePid;
    private final long storePid;

    Cpu(long servicePid, long storePid) {
        this.servicePid = servicePid;
        this.storePid = storePid;
    }

    Snapshot snapshot() {
        return new Snapshot(processUs(servicePid), processUs(storePid), loadGeneratorUs());
    }

    static double loadGeneratorUs() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) return sun.getProcessCpuTime() / 1000.0;
        return Double.NaN;
    }

    /** utime + stime of a process (children not included), in microseconds; NaN if unknown. */
    static double processUs(long pid) {
        if (pid <= 0) return Double.NaN;
        try {
            return parseStatCpuTicks(Files.readString(Path.of("/proc", Long.toString(pid), "stat"))) * TICK_US;
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /** Fields 14 and 15 of /proc/PID/stat, counted after the command name (which may hold spaces). */
    static long parseStatCpuTicks(String stat) {
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
        // f[0] is field 3 (state): utime is field 14, stime field 15
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    /** VmRSS of a process in MiB from /proc/PID/status; NaN if unknown. */
    static double rssMiB(long pid) {
        if (pid <= 0) return Double.NaN;
        try {
            return parseRssKiB(Files.readString(Path.of("/proc", Long.toString(pid), "status"))) / 1024.0;
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    static long parseRssKiB(String status) {
        for (String line : status.split("\n")) {
            if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
        throw new IllegalArgumentException("no VmRSS line");
    }
}
