package io.statelock.bench;

/**
 * One measured point. {@code system} is what served it (statelock, floor, etcd), {@code store}
 * where its writes went; cpu figures are microseconds of CPU per operation, NaN when unknown;
 * {@code capacity} the DynamoDB units per operation the service counted (empty when it counted none).
 */
record Result(
        String scenario,
        String system,
        String store,
        int concurrency,
        long ops,
        double seconds,
        double p50Ms,
        double p99Ms,
        double p999Ms,
        double serviceCpuUsPerOp,
        double storeCpuUsPerOp,
        double loadCpuUsPerOp,
        String notes,
        String capacity) {

    Result(
            String scenario,
            String system,
            String store,
            int concurrency,
            long ops,
            double seconds,
            double p50Ms,
            double p99Ms,
            double p999Ms,
            double serviceCpuUsPerOp,
            double storeCpuUsPerOp,
            double loadCpuUsPerOp,
            String notes) {
        this(
                scenario,
                system,
                store,
                concurrency,
                ops,
                seconds,
                p50Ms,
                p99Ms,
                p999Ms,
                serviceCpuUsPerOp,
                storeCpuUsPerOp,
                loadCpuUsPerOp,
                notes,
                "");
    }

    double throughput() {
        return seconds <= 0 ? 0 : ops / seconds;
    }

    static Result of(
            String scenario,
            String system,
            String store,
            int concurrency,
            Latency latency,
            double seconds,
            Cpu.Delta cpu,
            String notes) {
        long ops = latency.count();
        return new Result(
                scenario,
                system,
                store,
                concurrency,
                ops,
                seconds,
                latency.percentileMs(50),
                latency.percentileMs(99),
                latency.percentileMs(99.9),
                cpu.servicePerOp(ops),
                cpu.storePerOp(ops),
                cpu.loadPerOp(ops),
                notes);
    }

    Result withNotes(String more) {
        String n = notes == null || notes.isEmpty() ? more : notes + "; " + more;
        return new Result(
                scenario,
                system,
                store,
                concurrency,
                ops,
                seconds,
                p50Ms,
                p99Ms,
                p999Ms,
                serviceCpuUsPerOp,
                storeCpuUsPerOp,
                loadCpuUsPerOp,
                n,
                capacity);
    }

    Result withCapacity(String cell) {
        return new Result(
                scenario,
                system,
                store,
                concurrency,
                ops,
                seconds,
                p50Ms,
                p99Ms,
                p999Ms,
                serviceCpuUsPerOp,
                storeCpuUsPerOp,
                loadCpuUsPerOp,
                notes,
                cell);
    }

    /** The number after {@code label} in the row's notes (e.g. "store writes per renewal 1.000"); NaN if absent. */
    static double noteFigure(Result r, String label) {
        if (r == null || r.notes() == null) return Double.NaN;
        int i = r.notes().indexOf(label);
        if (i < 0) return Double.NaN;
        String rest = r.notes().substring(i + label.length()).trim();
        StringBuilder num = new StringBuilder();
        for (char ch : rest.toCharArray()) {
            if (Character.isDigit(ch) || ch == '.' || ch == '-') num.append(ch);
            else break;
        }
        try {
            return Double.parseDouble(num.toString());
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }
}
