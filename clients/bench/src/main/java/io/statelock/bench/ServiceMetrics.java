package io.statelock.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** One scrape of the service's /q/metrics (Prometheus text), read with a plain HTTP client. */
record ServiceMetrics(String text) {
    static final String CALLS = "statelock_store_calls_total";
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    static ServiceMetrics scrape(String address) {
        try {
            HttpResponse<String> r = HTTP.send(
                    HttpRequest.newBuilder(URI.create("http://" + address + "/q/metrics"))
                            .timeout(Duration.ofSeconds(10))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            return new ServiceMetrics(r.statusCode() == 200 ? r.body() : "");
        } catch (Exception e) {
            return new ServiceMetrics("");
        }
    }

    /**
     * A scrape once the audit trail's asynchronous writes have landed (DynamoDB only: the embedded store reports no
     * units, and returns at once), so that a phase's audit units are counted in that phase and not the next.
     */
    static ServiceMetrics settled(String address) throws InterruptedException {
        ServiceMetrics last = scrape(address);
        if (!CapacityUnits.parse(last.text()).any()) return last;
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            // Longer than the audit flusher's poll (200 ms) plus linger (20 ms) plus a loaded BatchWriteItem: an
            // unchanged count over it means its queue is empty.
            Thread.sleep(500);
            ServiceMetrics next = scrape(address);
            if (next.auditUnits() == last.auditUnits()) return next;
            last = next;
        }
        return last;
    }

    private double auditUnits() {
        return CapacityUnits.parse(text).of(CapacityLedger.AUDIT).writeTable();
    }

    /** Sum of the samples of {@code name} whose labels contain every fragment; NaN if the scrape failed. */
    double sum(String name, String... labels) {
        if (text.isEmpty()) return Double.NaN;
        double total = 0;
        for (String line : text.split("\n")) {
            if (!line.startsWith(name + "{") && !line.startsWith(name + " ")) continue;
            int end = line.lastIndexOf(' ');
            String series = line.substring(0, end);
            boolean all = true;
            for (String label : labels) all &= series.contains(label);
            if (all) total += Double.parseDouble(line.substring(end + 1));
        }
        return total;
    }

    double writes() {
        return sum(CALLS, "operation=\"acquire\"")
                + sum(CALLS, "operation=\"heartbeat\"")
                + sum(CALLS, "operation=\"release\"")
                + sum(CALLS, "operation=\"force_release\"");
    }

    double reads() {
        return sum(CALLS, "operation=\"get\"") + sum(CALLS, "operation=\"list\"");
    }

    double calls() {
        return sum(CALLS);
    }

    /** Waits (up to 30 s) until the service reports at least {@code n} waiting acquires. */
    static void awaitWaiters(String address, int n) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (scrape(address).sum("statelock_waiters") >= n) return;
            Thread.sleep(100); // a scrape every 100 ms: enough to see waiters queue, cheap for the service
        }
        Machine.log("warning: fewer than " + n + " waiters seen after 30 s");
    }
}
