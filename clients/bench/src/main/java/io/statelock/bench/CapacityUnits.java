package io.statelock.bench;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The DynamoDB capacity units the service counted in one scrape of its /q/metrics:
 * {@code statelock_dynamodb_consumed_write_units_total} and {@code …_read_units_total}, summed by
 * {@code operation} (acquire, heartbeat, release, audit, ...) and by where they were spent ({@code on}:
 * {@code table}, or an index's name), over every SDK {@code call}. Two scrapes give a {@link #minus delta};
 * a delta divided by the calls made meanwhile gives {@link PerOp units per operation}.
 */
final class CapacityUnits {
    static final String WRITE = "statelock_dynamodb_consumed_write_units_total";
    static final String READ = "statelock_dynamodb_consumed_read_units_total";
    static final String TABLE = "table";

    /** Units of one operation: write and read, on the table and on indexes. */
    record Units(double writeTable, double writeIndex, double readTable, double readIndex) {
        static final Units NONE = new Units(0, 0, 0, 0);

        Units plus(Units o) {
            return new Units(
                    writeTable + o.writeTable,
                    writeIndex + o.writeIndex,
                    readTable + o.readTable,
                    readIndex + o.readIndex);
        }

        Units minus(Units o) {
            return new Units(
                    writeTable - o.writeTable,
                    writeIndex - o.writeIndex,
                    readTable - o.readTable,
                    readIndex - o.readIndex);
        }
    }

    /** What {@code count} calls of {@code operation} cost together; the per-call figures divide by the count. */
    record PerOp(String operation, long count, Units total) {
        double write() {
            return count == 0 ? Double.NaN : (total.writeTable() + total.writeIndex()) / count;
        }

        double read() {
            return count == 0 ? Double.NaN : (total.readTable() + total.readIndex()) / count;
        }

        double writeIndex() {
            return count == 0 ? Double.NaN : total.writeIndex() / count;
        }

        double readIndex() {
            return count == 0 ? Double.NaN : total.readIndex() / count;
        }

        /** Adds another measured phase of the same operation (units and calls). */
        PerOp plus(PerOp o) {
            return new PerOp(operation, count + o.count, total.plus(o.total));
        }

        /** "acquire W 1.00 (index 0.00) R 0.00": write units per call with the index's share, read units per call. */
        String cell() {
            return String.format(
                    Locale.ROOT,
                    "%s W %s (index %s) R %s",
                    operation,
                    Report.num(write(), 2),
                    Report.num(writeIndex(), 2),
                    Report.num(read(), 2));
        }
    }

    private final Map<String, Units> byOperation;
    private final boolean scraped;

    private CapacityUnits(Map<String, Units> byOperation, boolean scraped) {
        this.byOperation = byOperation;
        this.scraped = scraped;
    }

    /** Parses Prometheus text; a failed (empty) scrape gives {@link #scraped()} false. */
    static CapacityUnits parse(String metrics) {
        Map<String, Units> by = new HashMap<>();
        for (String line : metrics.split("\n")) {
            boolean write = line.startsWith(WRITE + "{");
            if (!write && !line.startsWith(READ + "{")) continue;
            int close = line.lastIndexOf('}');
            Map<String, String> labels = labels(line.substring(line.indexOf('{') + 1, close));
            String[] rest = line.substring(close + 1).trim().split("\\s+"); // value, then an optional timestamp
            double v = Double.parseDouble(rest[0]);
            boolean table = TABLE.equals(labels.get("on"));
            Units u = write
                    ? (table ? new Units(v, 0, 0, 0) : new Units(0, v, 0, 0))
                    : (table ? new Units(0, 0, v, 0) : new Units(0, 0, 0, v));
            by.merge(labels.getOrDefault("operation", ""), u, Units::plus);
        }
        return new CapacityUnits(by, !metrics.isEmpty());
    }

    /** The label set of a sample: {@code a="x",b="y \"q\""} (Prometheus escapes \\, \" and \n in values). */
    static Map<String, String> labels(String s) {
        Map<String, String> out = new HashMap<>();
        int i = 0;
        while (i < s.length()) {
            int eq = s.indexOf('=', i);
            if (eq < 0) break;
            String name = s.substring(i, eq).trim();
            StringBuilder value = new StringBuilder();
            int j = eq + 2; // past ="
            for (; j < s.length() && s.charAt(j) != '"'; j++) {
                char c = s.charAt(j);
                if (c == '\\' && j + 1 < s.length()) {
                    char n = s.charAt(++j);
                    value.append(n == 'n' ? '\n' : n);
                } else {
                    value.append(c);
                }
            }
            out.put(name, value.toString());
            i = j + 1;
            while (i < s.length() && (s.charAt(i) == ',' || s.charAt(i) == ' ')) i++;
        }
        return out;
    }

    boolean scraped() {
        return scraped;
    }

    /** True when the service reported any capacity at all (a DynamoDB store; the embedded store reports none). */
    boolean any() {
        return !byOperation.isEmpty();
    }

    Units of(String operation) {
        return byOperation.getOrDefault(operation, Units.NONE);
    }

    /** What was spent between {@code before} and this scrape. */
    CapacityUnits minus(CapacityUnits before) {
        Map<String, Units> d = new HashMap<>();
        byOperation.forEach((op, u) -> d.put(op, u.minus(before.of(op))));
        return new CapacityUnits(d, scraped && before.scraped);
    }

    PerOp perOp(String operation, long count) {
        return new PerOp(operation, count, of(operation));
    }
}
