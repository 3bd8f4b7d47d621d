package io.statelock.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;

/** PNG charts of a run (XChart): uncontended throughput by clients, hand-off latency by waiters. */
final class Charts {
    private Charts() {}

    static void write(List<Result> results, Path dir, String prefix, String subtitle) throws IOException {
        System.setProperty("java.awt.headless", "true");
        chart(
                results,
                "uncontended",
                "Uncontended acquire+release cycles/s (" + subtitle + ")",
                "clients",
                "cycles/s",
                Result::throughput,
                dir.resolve(prefix + "-uncontended.png"));
        chart(
                results,
                "hand-off",
                "Hand-off p99 ms, one key (" + subtitle + ")",
                "waiters",
                "ms",
                Result::p99Ms,
                dir.resolve(prefix + "-handoff.png"));
    }

    private static void chart(
            List<Result> results,
            String scenario,
            String title,
            String x,
            String y,
            ToDoubleFunction<Result> value,
            Path out)
            throws IOException {
        Map<String, Map<Integer, Double>> series = new LinkedHashMap<>();
        List<Integer> xs = new ArrayList<>();
        for (Result r : results) {
            if (!r.scenario().equals(scenario)) continue;
            series.computeIfAbsent(r.system() + " / " + r.store(), k -> new LinkedHashMap<>())
                    .put(r.concurrency(), value.applyAsDouble(r));
            if (!xs.contains(r.concurrency())) xs.add(r.concurrency());
        }
        if (series.isEmpty()) return;
        xs.sort(Integer::compare);
        CategoryChart chart = new CategoryChartBuilder()
                .width(900)
                .height(500)
                .title(title)
                .xAxisTitle(x)
                .yAxisTitle(y)
                .build();
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNW);
        for (Map.Entry<String, Map<Integer, Double>> e : series.entrySet()) {
            List<String> labels = new ArrayList<>();
            List<Double> ys = new ArrayList<>();
            for (Integer c : xs) {
                labels.add(Integer.toString(c));
                Double v = e.getValue().get(c);
                ys.add(v == null || v.isNaN() ? 0.0 : v);
            }
            chart.addSeries(e.getKey(), labels, ys);
        }
        BitmapEncoder.saveBitmap(chart, out.toString(), BitmapEncoder.BitmapFormat.PNG);
    }
}
