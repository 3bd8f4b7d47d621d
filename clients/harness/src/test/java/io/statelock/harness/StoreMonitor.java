package io.statelock.harness;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads every key's lock item straight from the DynamoDB-API store (no proxy, no replica) and records
 * whenever an item's fence counter goes down: a store that lost or undid an acknowledged write. The
 * service can only ever raise the counter (acquire is {@code ADD fence 1}), so a lower counter read
 * later is the store's own doing, and the violations it causes are told apart from the service's.
 * Every change it sees goes to {@code store-monitor.txt} in the work dir.
 */
final class StoreMonitor implements AutoCloseable {
    /** Often enough to see a change between two acquires of a busy key (~100 ms apart), cheap for the store. */
    private static final long EVERY_MS = 25;

    private static final Pattern FENCE = Pattern.compile("\"fence\":\\{\"N\":\"(\\d+)\"\\}");
    private static final Pattern VERSION = Pattern.compile("\"stateVersion\":\\{\"N\":\"(\\d+)\"\\}");

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final URI endpoint;
    private final String table;
    private final List<String> keys;
    private final LongSupplier clock;
    private final Path log;
    private final Map<String, Long> lastFence = new HashMap<>();
    private final Map<String, String> lastItem = new HashMap<>();
    private final AtomicInteger wentBack = new AtomicInteger();
    private final Thread thread;
    private volatile boolean closed;

    StoreMonitor(int port, String table, List<String> keys, LongSupplier clock, Path log) {
        this.endpoint = URI.create("http://127.0.0.1:" + port + "/");
        this.table = table;
        this.keys = keys;
        this.clock = clock;
        this.log = log;
        this.thread = new Thread(this::loop, "store-monitor");
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** How many times a key's fence counter was read lower than before. */
    int wentBack() {
        return wentBack.get();
    }

    private void loop() {
        while (!closed) {
            for (String key : keys) {
                try {
                    look(key);
                } catch (IOException | RuntimeException e) {
                    // the store is restarting (a fault): look again next round
                } catch (InterruptedException e) {
                    return;
                }
            }
            try {
                Thread.sleep(EVERY_MS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void look(String key) throws IOException, InterruptedException {
        long at = clock.getAsLong();
        String body =
                "{\"TableName\":\"" + table + "\",\"ConsistentRead\":true,\"Key\":{\"key\":{\"S\":\"" + key + "\"}}}";
        // dynalite checks that a SigV4 header is there and well formed, not the signature.
        HttpRequest request = HttpRequest.newBuilder(endpoint)
                .timeout(Duration.ofSeconds(2))
                .header("Content-Type", "application/x-amz-json-1.0")
                .header("X-Amz-Target", "DynamoDB_20120810.GetItem")
                .header("X-Amz-Date", "20260101T000000Z")
                .header(
                        "Authorization",
                        "AWS4-HMAC-SHA256 Credential=monitor/20260101/us-east-1/dynamodb/aws4_request, "
                                + "SignedHeaders=host, Signature=0")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            return;
        }
        String item = response.body();
        Matcher m = FENCE.matcher(item);
        if (!m.find()) {
            return;
        }
        long fence = Long.parseLong(m.group(1));
        Long before = lastFence.put(key, fence);
        String previous = lastItem.put(key, item);
        if (before != null && fence == before && item.equals(previous)) {
            return;
        }
        Matcher v = VERSION.matcher(item);
        String line = at + " " + key + " fence=" + fence + " version=" + (v.find() ? v.group(1) : "-");
        if (before != null && fence < before) {
            wentBack.incrementAndGet();
            line = "WENT BACK " + line + " (was " + before + ")\n  before: " + previous + "\n  now:    " + item;
        }
        Files.writeString(
                log, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    @Override
    public void close() throws InterruptedException {
        closed = true;
        thread.interrupt();
        thread.join(5_000);
    }
}
