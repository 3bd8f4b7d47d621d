package io.statelock.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A loopback TCP proxy that injects network faults, for every module's tests: added latency, stalls (nothing
 * forwarded, connections kept), dropped or reset connections, and lost answers — a request reaches the server,
 * which acts on it, but its answer is dropped and the caller's connection closed, so the caller cannot know.
 *
 * <p>{@link #http1} links (to dynalite and s3proxy) read each request: they record it, forward a request with a
 * {@code Content-Length} body only once all of it has arrived (a caller gone mid-request leaves the store nothing
 * half-read; dynalite exits on such a request), stream chunked and {@code 100-continue} bodies as they come, and
 * can lose the answers of chosen requests. {@link #raw} links (gRPC) pass bytes on as they come. However a
 * connection ends, the caller's side is closed at once and the upstream side {@value #UPSTREAM_CLOSE_DELAY_MS} ms
 * later, so a store never loses its connection mid-answer.
 */
public final class FaultProxy implements AutoCloseable {
    /** A store finishes a small answer within milliseconds of its first byte; 250 ms leaves room for a loaded machine. */
    public static final long UPSTREAM_CLOSE_DELAY_MS = 250;

    private final String name;
    private final int upstreamPort;
    private final boolean http1;
    private final ServerSocket server;
    private final Set<ProxyConnection> connections = ConcurrentHashMap.newKeySet();
    final ScheduledExecutorService closer;
    private final AtomicInteger accepted = new AtomicInteger();
    private final List<StoreRequest> seen = new CopyOnWriteArrayList<>();
    private final List<StoreRequest> lost = new CopyOnWriteArrayList<>();
    // The rule and how many more answers it may lose; set together by loseResponses.
    private volatile Predicate<StoreRequest> rule = r -> false;
    private final AtomicInteger toLose = new AtomicInteger();
    private volatile long latencyMs;
    private volatile boolean stalled;
    private volatile boolean closed;

    private FaultProxy(String name, int upstreamPort, boolean http1) throws IOException {
        this.name = name;
        this.upstreamPort = upstreamPort;
        this.http1 = http1;
        this.server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        this.closer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "proxy-closer-" + name));
        daemon(this::acceptLoop, "proxy-" + name).start();
    }

    /** A proxy for bytes as they come (gRPC's HTTP/2): latency, stalls, drops and resets, no lost answers. */
    public static FaultProxy raw(String name, int upstreamPort) {
        return open(name, upstreamPort, false);
    }

    /** A proxy that reads HTTP/1.1 requests (the AWS SDK to a store): everything {@link #raw} does, and lost answers. */
    public static FaultProxy http1(String name, int upstreamPort) {
        return open(name, upstreamPort, true);
    }

    /** An {@link #http1} proxy in front of a loopback store. */
    public static FaultProxy inFrontOf(LoopbackServer store) {
        return http1(store.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT), store.port());
    }

    private static FaultProxy open(String name, int upstreamPort, boolean http1) {
        try {
            return new FaultProxy(name, upstreamPort, http1);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the proxy's port", e);
        }
    }

    public String name() {
        return name;
    }

    public int port() {
        return server.getLocalPort();
    }

    /** {@code http://127.0.0.1:PORT} of the proxy, for an SDK's {@code endpointOverride}. */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port());
    }

    /** Connections accepted so far: a client that had to reconnect shows here. */
    public int accepted() {
        return accepted.get();
    }

    /** Added before each forwarded request or chunk, both ways. */
    public void latency(long ms) {
        latencyMs = ms;
    }

    /** While on, nothing is forwarded; connections stay open. */
    public void stall(boolean on) {
        stalled = on;
    }

    /** Ends every open connection now (callers see end of stream); new ones are accepted. */
    public void drop() {
        connections.forEach(c -> c.end(false));
    }

    /** Resets every open connection now (callers see a reset); new ones are accepted. */
    public void cut() {
        connections.forEach(c -> c.end(true));
    }

    /** The answers to the next {@code n} writes are lost (after the store acted on them). */
    public void loseResponses(int n) {
        loseResponses(n, StoreRequest::write);
    }

    /**
     * The answers to the next {@code n} requests that match {@code which} are lost (after the store acted on them).
     * The SDK's retries are requests too: match {@link StoreRequest#isFirstAttempt} to lose only first answers. An
     * interim {@code 100 Continue} is passed on: the store has not acted before the body follows it.
     */
    public void loseResponses(int n, Predicate<StoreRequest> which) {
        rule = which;
        toLose.set(n);
    }

    /** How many of the answers asked for by {@link #loseResponses} are still to be lost. */
    public int responsesStillToLose() {
        return toLose.get();
    }

    /** Back to a plain pipe: no latency, no stall, nothing more to lose. */
    public void heal() {
        latencyMs = 0;
        stalled = false;
        toLose.set(0);
    }

    /** Every request an {@link #http1} link forwarded, in order. */
    public List<StoreRequest> seen() {
        return List.copyOf(seen);
    }

    /** The requests whose answers were lost, in order. */
    public List<StoreRequest> lost() {
        return List.copyOf(lost);
    }

    /** The requests whose answers were lost, from the {@code from}-th on. */
    public List<StoreRequest> lostSince(int from) {
        return List.copyOf(lost.subList(from, lost.size()));
    }

    /** How many forwarded requests match {@code which} (first attempts and the SDK's retries alike). */
    public long count(Predicate<StoreRequest> which) {
        return seen.stream().filter(which).count();
    }

    /** Records a request about to be forwarded; true when its answer is to be lost. */
    boolean forwarding(StoreRequest request) {
        seen.add(request);
        // Decrements only while positive: concurrent requests never lose more answers than asked for.
        if (!rule.test(request) || toLose.getAndUpdate(n -> n > 0 ? n - 1 : 0) == 0) return false;
        lost.add(request);
        return true;
    }

    /** The faults' hold on bytes read from {@code from}: a stall, then the latency. */
    void delay(Socket from) {
        while (stalled && !from.isClosed() && !closed) sleep(10);
        long ms = latencyMs;
        if (ms > 0) sleep(ms);
    }

    void forget(ProxyConnection connection) {
        connections.remove(connection);
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket caller = server.accept();
                accepted.incrementAndGet();
                Socket upstream = new Socket();
                try {
                    // Loopback connects in microseconds; 2 s only bounds a wedged upstream.
                    upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), upstreamPort), 2000);
                } catch (IOException down) {
                    ProxyConnection.closeQuietly(caller); // upstream down (a killed replica, a restarting store)
                    continue;
                }
                caller.setTcpNoDelay(true);
                upstream.setTcpNoDelay(true);
                ProxyConnection c = new ProxyConnection(this, caller, upstream);
                connections.add(c);
                c.start(http1, name);
            } catch (IOException e) {
                if (!closed) sleep(10);
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        ProxyConnection.closeQuietly(server);
        closer.shutdownNow();
        connections.forEach(ProxyConnection::closeBoth);
    }

    static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
