package io.statelock.cli;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/** Parses {@code 500ms}, {@code 30s}, {@code 10m}, {@code 1h30m}, {@code 2.5s}; a bare number is seconds. */
final class Durations implements CommandLine.ITypeConverter<Duration> {
    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)");

    @Override
    public Duration convert(String value) {
        return parse(value);
    }

    static Duration parse(String value) {
        String v = value.trim().toLowerCase(java.util.Locale.ROOT);
        if (v.matches("\\d+(\\.\\d+)?")) {
            return Duration.ofNanos(Math.round(Double.parseDouble(v) * 1e9));
        }
        Matcher m = PART.matcher(v);
        int pos = 0;
        long nanos = 0;
        while (m.find() && m.start() == pos) {
            double n = Double.parseDouble(m.group(1));
            double unit = switch (m.group(2)) {
                case "ms" -> 1e6;
                case "s" -> 1e9;
                case "m" -> 60e9;
                default -> 3600e9;
            };
            nanos += Math.round(n * unit);
            pos = m.end();
        }
        if (pos == 0 || pos != v.length()) {
            throw new CommandLine.TypeConversionException(
                    "invalid duration '" + value + "' (use e.g. 500ms, 30s, 10m, 1h30m)");
        }
        return Duration.ofNanos(nanos);
    }

    /** Human form: {@code 3m12s}, {@code 22s}, {@code 1h2m}, {@code 800ms}. */
    static String format(Duration d) {
        boolean negative = d.isNegative();
        d = d.abs();
        String s;
        long totalSeconds = d.getSeconds();
        if (totalSeconds == 0) {
            s = d.toMillis() + "ms";
        } else if (totalSeconds < 60) {
            long tenths = d.toMillis() % 1000 / 100;
            s = totalSeconds < 10 && tenths != 0 ? totalSeconds + "." + tenths + "s" : totalSeconds + "s";
        } else if (totalSeconds < 3600) {
            s = totalSeconds / 60 + "m" + (totalSeconds % 60 != 0 ? totalSeconds % 60 + "s" : "");
        } else {
            long h = totalSeconds / 3600;
            long m = totalSeconds % 3600 / 60;
            s = h + "h" + (m != 0 ? m + "m" : "");
        }
        return negative ? "-" + s : s;
    }
}
