package io.statelock.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PushbackInputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/** One connection through a {@link FaultProxy}: the caller's socket, its own socket to the upstream, two pumps. */
final class ProxyConnection {
    /** A state object or a DynamoDB item is far smaller; a bigger body is streamed rather than held. */
    private static final long MAX_HELD_BODY = 8L * 1024 * 1024;

    private final FaultProxy proxy;
    private final Socket caller;
    private final Socket upstream;
    private final AtomicBoolean ended = new AtomicBoolean();
    // Set by the request side before the chosen request reaches the upstream; read by the answer side.
    private volatile boolean loseNext;

    ProxyConnection(FaultProxy proxy, Socket caller, Socket upstream) {
        this.proxy = proxy;
        this.caller = caller;
        this.upstream = upstream;
    }

    void start(boolean http1, String name) {
        FaultProxy.daemon(http1 ? this::requests : () -> pump(caller, upstream), "proxy-in-" + name)
                .start();
        FaultProxy.daemon(http1 ? this::answers : () -> pump(upstream, caller), "proxy-out-" + name)
                .start();
    }

    /** Once: the caller's side now (reset or closed), the upstream side after the delay. */
    void end(boolean reset) {
        if (!ended.compareAndSet(false, true)) return;
        if (reset) {
            try {
                caller.setSoLinger(true, 0);
            } catch (SocketException alreadyClosed) {
                // closing anyway
            }
        }
        closeQuietly(caller);
        try {
            proxy.closer.schedule(this::closeUpstream, FaultProxy.UPSTREAM_CLOSE_DELAY_MS, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException proxyClosed) {
            closeUpstream();
        }
    }

    void closeBoth() {
        closeQuietly(caller);
        closeUpstream();
    }

    private void closeUpstream() {
        closeQuietly(upstream);
        proxy.forget(this);
    }

    /** Bytes as they come, through the faults. */
    private void pump(Socket from, Socket to) {
        byte[] buf = new byte[64 * 1024];
        try {
            // Not in try-with-resources: closing a socket's stream closes the socket, and end() decides when.
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                proxy.delay(from);
                out.write(buf, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // closed by a fault, by the peer or by the other pump
        } finally {
            end(false);
        }
    }

    /** Caller to upstream, request by request (the SDK never pipelines: one request in flight per connection). */
    private void requests() {
        try {
            InputStream in = caller.getInputStream();
            OutputStream out = upstream.getOutputStream();
            for (byte[] head = HttpFraming.readHead(in); head != null; head = HttpFraming.readHead(in)) {
                StoreRequest request = StoreRequest.parse(new String(head, StandardCharsets.ISO_8859_1));
                boolean chunked = HttpFraming.chunked(request);
                long length = chunked ? -1 : HttpFraming.contentLength(request);
                boolean waitsForContinue =
                        "100-continue".equalsIgnoreCase(request.headers().getOrDefault("expect", ""));
                // A body to hold is read whole first, so nothing of a request its caller abandons reaches the store;
                // a 100-continue head must reach the store before its body comes, and a long body is streamed.
                boolean held = !chunked && !waitsForContinue && length <= MAX_HELD_BODY;
                byte[] body = held ? HttpFraming.readExactly(in, length) : new byte[0];
                proxy.delay(caller);
                loseNext = proxy.forwarding(request);
                out.write(head);
                out.write(body);
                out.flush();
                if (chunked) {
                    HttpFraming.copyChunked(in, out);
                } else if (!held) {
                    HttpFraming.copyExactly(in, out, length);
                }
            }
        } catch (IOException | RuntimeException e) {
            // the caller or the upstream closed, or bytes that are not an HTTP/1.1 request: the connection ends
        } finally {
            end(false);
        }
    }

    /** Upstream to caller; a lost answer closes the caller once the store has answered, and the rest is read away. */
    private void answers() {
        try {
            PushbackInputStream in = new PushbackInputStream(upstream.getInputStream(), HttpFraming.BUFFER);
            OutputStream out = caller.getOutputStream();
            byte[] buffer = new byte[HttpFraming.BUFFER];
            while (true) {
                if (loseNext) {
                    byte[] head = HttpFraming.readHead(in);
                    if (head == null) break;
                    String status = new String(head, StandardCharsets.ISO_8859_1);
                    if (status.startsWith("HTTP/1.1 1") || status.startsWith("HTTP/1.0 1")) {
                        out.write(head); // an interim 100 Continue: the caller sends its body only after it
                        out.flush();
                        continue;
                    }
                    loseNext = false;
                    end(false); // the store has acted and answered: the caller never hears of it
                    in.transferTo(OutputStream.nullOutputStream()); // until the upstream side closes, after the delay
                    break;
                }
                int n = in.read(buffer);
                if (n < 0) break;
                if (loseNext) {
                    in.unread(buffer, 0, n); // the answer of a request just marked began in this read: judge its head
                    continue;
                }
                proxy.delay(upstream);
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // either side closed
        } finally {
            end(false);
        }
    }

    static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // already closed
        }
    }
}
