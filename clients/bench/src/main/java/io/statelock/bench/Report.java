package io.statelock.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The Markdown report: machine, command, every measured point, then each target with PASS/MISS. */
final class Report {
    private final List<Result> results = new ArrayList<>();
    private final List<Target> targets = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private final List<String> capacity = new ArrayList<>();

    void add(Result result) {
        results.add(result);
    }

    void target(Target target) {
        targets.add(target);
    }

    void note(String note) {
        notes.add(note);
    }

    /** The lines of the capacity and cost section (DynamoDB runs only). */
    void capacity(List<String> lines) {
        capacity.addAll(lines);
    }

    List<Result> results() {
        return results;
    }

    /** The row of one point, or null when it was not run. */
    Result find(String scenario, String system, String store, int concurrency) {
        for (Result r : results) {
            if (r.scenario().equals(scenario)
                    && r.system().equals(system)
                    && r.store().equals(store)
                    && r.concurrency() == concurrency) return r;
        }
        return null;
    }

    List<Target> targets() {
        return targets;
    }

    String markdown(String title, String command, String machine) {
        StringBuilder md = new StringBuilder();
        md.append("# ").append(title).append("\n\n");
        md.append("- machine: ").append(machine).append('\n');
        md.append("- command: `").append(command).append("`\n");
        for (String note : notes) md.append("- ").append(note).append('\n');
        md.append("\n| scenario | system | store | clients | ops | ops/s | p50 ms | p99 ms | p99.9 ms "
                + "| service CPU µs/op | store CPU µs/op | load-gen CPU µs/op | DynamoDB units per call | notes |\n");
        md.append("| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |\n");
        for (Result r : results) {
            md.append("| ")
                    .append(r.scenario())
                    .append(" | ")
                    .append(r.system())
                    .append(" | ")
                    .append(r.store())
                    .append(" | ")
                    .append(r.concurrency())
                    .append(" | ")
                    .append(r.ops())
                    .append(" | ")
                    .append(num(r.throughput(), 0))
                    .append(" | ")
                    .append(num(r.p50Ms(), 2))
                    .append(" | ")
                    .append(num(r.p99Ms(), 2))
                    .append(" | ")
                    .append(num(r.p999Ms(), 2))
                    .append(" | ")
                    .append(num(r.serviceCpuUsPerOp(), 0))
                    .append(" | ")
                    .append(num(r.storeCpuUsPerOp(), 0))
                    .append(" | ")
                    .append(num(r.loadCpuUsPerOp(), 0))
                    .append(" | ")
                    .append(r.capacity() == null ? "" : r.capacity())
                    .append(" | ")
                    .append(r.notes() == null ? "" : r.notes())
                    .append(" |\n");
        }
        if (!capacity.isEmpty()) {
            md.append("\n## DynamoDB capacity and cost\n\n");
            for (String line : capacity) md.append("- ").append(line).append('\n');
        }
        md.append(
                "\n## Targets (issue 18)\n\n| target | figure | value | limit | verdict |\n| --- | --- | ---: | ---: | --- |\n");
        for (Target t : targets) {
            md.append("| ")
                    .append(t.name())
                    .append(" | ")
                    .append(t.figure())
                    .append(" | ")
                    .append(num(t.value(), 3))
                    .append(" | ")
                    .append(t.comparison())
                    .append(' ')
                    .append(num(t.limit(), 3))
                    .append(" | ")
                    .append(
                            t.verdict() == Target.Verdict.NOT_RUN
                                    ? "not run"
                                    : t.verdict().name())
                    .append(" |\n");
        }
        return md.toString();
    }

    /** A fixed-decimals figure; "–" for NaN (not measured). */
    static String num(double v, int decimals) {
        if (Double.isNaN(v) || Double.isInfinite(v)) return "–";
        return String.format(Locale.ROOT, "%." + decimals + "f", v);
    }
}
