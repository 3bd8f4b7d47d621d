package io.statelock.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * A TCP proxy on loopback that delays every byte by a fixed time in each direction: a store that answers
 * from across a network (in-region DynamoDB is about 2.5 ms each way) put in front of dynalite, for the
 * service and the floor alike. Order is kept: bytes are read as they come, stamped, and written in order once
 * their time is due, so a stream of requests on one connection is delayed, not serialised.
 */
final class LatencyProxy implements AutoCloseable {
    private static final byte[] EOF = new byte[0];

    private record Chunk(long dueNanos, byte[] bytes) {}

    private final ServerSocket server;
    private final InetSocketAddress target;
    private final long delayNanos;
    private volatile boolean closed;

    LatencyProxy(int targetPort, double delayMs) throws IOException {
        this.target = new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort);
        this.delayNanos = Math.round(delayMs * 1e6);
        this.server = new ServerSocket(0, 256, InetAddress.getLoopbackAddress());
        daemon("latency-proxy-accept", this::acceptLoop);
    }

    int port() {
        return server.getLocalPort();
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket();
                upstream.connect(target, 5000);
                client.setTcpNoDelay(true);
                upstream.setTcpNoDelay(true);
                pump(client, upstream);
                pump(upstream, client);
            } catch (IOException e) {
                if (closed) return;
                Machine.log("latency proxy: " + e);
            }
        }
    }

    /** One direction: a reader stamps what arrives, a writer sends each chunk when it is due. */
    private void pump(Socket from, Socket to) throws IOException {
        InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream();
        LinkedBlockingQueue<Chunk> queue = new LinkedBlockingQueue<>();
        daemon("latency-proxy-read", () -> {
            byte[] buf = new byte[64 * 1024];
            try {
                int n;
                while ((n = in.read(buf)) >= 0)
                    queue.add(new Chunk(System.nanoTime() + delayNanos, Arrays.copyOf(buf, n)));
            } catch (IOException e) {
                // the connection went: pass the end on
            }
            queue.add(new Chunk(System.nanoTime() + delayNanos, EOF));
        });
        daemon("latency-proxy-write", () -> {
            try {
                while (true) {
                    Chunk c = queue.take();
                    long wait;
                    while ((wait = c.dueNanos() - System.nanoTime()) > 0) LockSupport.parkNanos(wait);
                    if (c.bytes() == EOF) {
                        to.shutdownOutput();
                        return;
                    }
                    out.write(c.bytes());
                    out.flush();
                }
            } catch (IOException | InterruptedException e) {
                closeQuietly(from);
                closeQuietly(to);
            }
        });
    }

    private static void daemon(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // already gone
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
    }
}
