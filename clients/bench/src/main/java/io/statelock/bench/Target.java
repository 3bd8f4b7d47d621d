package io.statelock.bench;

/** A target of the performance round beside the figure that decides it. A figure of NaN means "not measured". */
record Target(String name, String figure, double value, String comparison, double limit) {

    enum Verdict {
        PASS,
        MISS,
        NOT_RUN
    }

    static Target atMost(String name, String figure, double value, double limit) {
        return new Target(name, figure, value, "<=", limit);
    }

    static Target atLeast(String name, String figure, double value, double limit) {
        return new Target(name, figure, value, ">=", limit);
    }

    /** Equal within 0.5 %: for counts per operation that must be exact on average. */
    static Target exactly(String name, String figure, double value, double expected) {
        return new Target(name, figure, value, "=", expected);
    }

    Verdict verdict() {
        if (Double.isNaN(value) || Double.isNaN(limit)) return Verdict.NOT_RUN;
        boolean pass = switch (comparison) {
            case "<=" -> value <= limit;
            case ">=" -> value >= limit;
            default -> Math.abs(value - limit) <= 0.005 * Math.abs(limit);
        };
        return pass ? Verdict.PASS : Verdict.MISS;
    }
}
