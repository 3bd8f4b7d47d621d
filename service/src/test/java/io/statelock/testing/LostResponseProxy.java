package io.statelock.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PushbackInputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A loopback TCP proxy in front of an HTTP/1.1 server (dynalite, s3proxy) that loses answers on demand:
 * a request chosen by {@link #loseResponses} is delivered to the server, the server applies it and
 * answers, and the proxy then closes the client's connection without passing the answer on — what a
 * network failure after the server's commit looks like to the AWS SDK, which retries the request.
 * Everything else is passed through unchanged, connection by connection (keep-alive and
 * {@code Expect: 100-continue} included). The SDK never pipelines, so a connection has at most one
 * request in flight and the bytes the server sends after a request's head belong to its answer.
 */
public final class LostResponseProxy implements AutoCloseable {
    private static final int BUFFER = 16 * 1024;
    private static final int MAX_HEAD = 64 * 1024;

    /** The start of one request as the client sent it: enough to pick which answers to lose. */
    public record Request(String method, String target, Map<String, String> headers) {
        /** The DynamoDB operation ({@code X-Amz-Target: DynamoDB_20120810.UpdateItem}), or "". */
        public String dynamoOperation() {
            String target = headers.getOrDefault("x-amz-target", "");
            return target.substring(target.indexOf('.') + 1);
        }

        public boolean isDynamo(String operation) {
            return operation.equals(dynamoOperation());
        }

        /**
         * Which attempt of one SDK call this is: the AWS SDK numbers them in {@code amz-sdk-request: attempt=N; max=M}
         * (1 when the header is missing), so a rule can lose a first attempt's answer and let the retry through.
         */
        public int attempt() {
            for (String part : headers.getOrDefault("amz-sdk-request", "").split(";")) {
                String p = part.trim();
                if (p.startsWith("attempt=")) return Integer.parseInt(p.substring("attempt=".length()));
            }
            return 1;
        }

        public boolean isFirstAttempt() {
            return attempt() == 1;
        }

        /** An S3 PutObject (a PUT of an object key, not of a bucket). */
        public boolean isS3Put() {
            String path = target.contains("?") ? target.substring(0, target.indexOf('?')) : target;
            return method.equals("PUT") && path.indexOf('/', 1) > 0;
        }

        @Override
        public String toString() {
            String op = dynamoOperation();
            return method + " " + target + (op.isEmpty() ? "" : " " + op);
        }
    }

    private final InetSocketAddress upstream;
    private final ServerSocket listener;
    private final Thread acceptor;
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private final List<Request> seen = new CopyOnWriteArrayList<>();
    private final List<Request> lost = new CopyOnWriteArrayList<>();
    // The rule and how many more answers it may lose; replaced as a whole by loseResponses.
    private volatile Predicate<Request> rule = r -> false;
    private final AtomicInteger remaining = new AtomicInteger();
    private volatile boolean closed;

    private LostResponseProxy(InetSocketAddress upstream) throws IOException {
        this.upstream = upstream;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.acceptor = new Thread(this::acceptLoop, "lost-response-proxy-" + listener.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** A proxy on a free loopback port in front of {@code server}; the caller closes it. */
    public static LostResponseProxy inFrontOf(LoopbackServer server) {
        try {
            return new LostResponseProxy(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()));
        } catch (IOException e) {
            throw new IllegalStateException("cannot open the proxy's port", e);
        }
    }

    /** {@code http://127.0.0.1:PORT} of the proxy, for {@code endpointOverride}. */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + listener.getLocalPort());
    }

    /**
     * The answers to the next {@code count} requests that match {@code which} are lost (after the server applied
     * them). The SDK's retries are requests too: match {@link Request#isFirstAttempt} to lose only first answers.
     */
    public void loseResponses(int count, Predicate<Request> which) {
        rule = which;
        remaining.set(count);
    }

    /** Every request seen so far, in arrival order. */
    public List<Request> seen() {
        return List.copyOf(seen);
    }

    /** The requests whose answers were lost. */
    public List<Request> lost() {
        return List.copyOf(lost);
    }

    /** How many requests matching {@code which} were seen (the first attempts and the SDK's retries). */
    public long count(Predicate<Request> which) {
        return seen.stream().filter(which).count();
    }

    @Override
    public void close() {
        closed = true;
        closeQuietly(listener);
        open.forEach(LostResponseProxy::closeQuietly);
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket();
                server.connect(upstream, 5_000);
                open.add(client);
                open.add(server);
                new Connection(client, server).start();
            } catch (IOException e) {
                if (closed) return;
                // One failed connection (the server went away) must not stop the proxy: the SDK reconnects.
            }
        }
    }

    private boolean shouldLose(Request request) {
        if (!rule.test(request)) return false;
        // Decrement only while positive: concurrent requests never lose more answers than asked for.
        return remaining.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0;
    }

    /** One client connection and its own connection to the server: requests one way, answers the other. */
    private final class Connection {
        private final Socket client;
        private final Socket server;
        // Set by the request side before the chosen request reaches the server; read by the answer side.
        private volatile boolean loseNext;
        private final AtomicBoolean ended = new AtomicBoolean();

        Connection(Socket client, Socket server) {
            this.client = client;
            this.server = server;
        }

        void start() {
            Thread requests = new Thread(this::requests, "proxy-requests-" + client.getPort());
            Thread answers = new Thread(this::answers, "proxy-answers-" + client.getPort());
            requests.setDaemon(true);
            answers.setDaemon(true);
            requests.start();
            answers.start();
        }

        private void requests() {
            try {
                InputStream in = client.getInputStream();
                OutputStream out = server.getOutputStream();
                while (true) {
                    byte[] head = readHead(in);
                    if (head == null) break;
                    Request request = parse(new String(head, StandardCharsets.ISO_8859_1));
                    seen.add(request);
                    if (shouldLose(request)) {
                        lost.add(request);
                        loseNext = true;
                    }
                    out.write(head);
                    out.flush();
                    copyBody(request.headers(), in, out);
                }
            } catch (IOException e) {
                // the client or the server closed: the answer side ends the connection
            } finally {
                end();
            }
        }

        private void answers() {
            try {
                PushbackInputStream in = new PushbackInputStream(server.getInputStream(), BUFFER);
                OutputStream out = client.getOutputStream();
                byte[] buffer = new byte[BUFFER];
                while (true) {
                    if (loseNext) {
                        byte[] head = readHead(in);
                        if (head == null) break;
                        String status = new String(head, StandardCharsets.ISO_8859_1);
                        // An interim 100 Continue is passed on: the client sends its body only after it.
                        if (status.startsWith("HTTP/1.1 1") || status.startsWith("HTTP/1.0 1")) {
                            out.write(head);
                            out.flush();
                            continue;
                        }
                        // The server has applied the request and answered: the client never hears of it.
                        reset(client);
                        break;
                    }
                    int n = in.read(buffer);
                    if (n < 0) break;
                    if (loseNext) {
                        // The answer of the request just marked started in this read: judge it from its head.
                        in.unread(buffer, 0, n);
                        continue;
                    }
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // either side closed
            } finally {
                end();
            }
        }

        private void end() {
            if (!ended.compareAndSet(false, true)) return;
            closeQuietly(client);
            closeQuietly(server);
            open.remove(client);
            open.remove(server);
        }
    }

    /** The bytes up to and including the blank line that ends an HTTP head, or null at end of stream. */
    private static byte[] readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                if (head.size() == 0) return null;
                throw new IOException("connection closed inside an HTTP head");
            }
            head.write(b);
            if (head.size() > MAX_HEAD) throw new IOException("HTTP head larger than " + MAX_HEAD + " bytes");
            matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toByteArray();
    }

    private static Request parse(String head) {
        String[] lines = head.split("\r\n");
        String[] start = lines[0].split(" ");
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
            }
        }
        return new Request(start[0], start.length > 1 ? start[1] : "", headers);
    }

    /** Copies a request body framed by Content-Length or chunked transfer coding. */
    private static void copyBody(Map<String, String> headers, InputStream in, OutputStream out) throws IOException {
        if ("chunked".equalsIgnoreCase(headers.getOrDefault("transfer-encoding", ""))) {
            copyChunked(in, out);
            return;
        }
        long length = Long.parseLong(headers.getOrDefault("content-length", "0"));
        copyExactly(in, out, length);
    }

    private static void copyChunked(InputStream in, OutputStream out) throws IOException {
        while (true) {
            String sizeLine = readLine(in);
            out.write((sizeLine + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            int semicolon = sizeLine.indexOf(';');
            long size = Long.parseLong((semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim(), 16);
            if (size == 0) {
                // trailers, then the empty line
                for (String line = readLine(in); ; line = readLine(in)) {
                    out.write((line + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    if (line.isEmpty()) break;
                }
                out.flush();
                return;
            }
            copyExactly(in, out, size);
            String crlf = readLine(in);
            out.write((crlf + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) throw new IOException("connection closed inside a chunked body");
            if (b != '\r') line.append((char) b);
        }
        return line.toString();
    }

    private static void copyExactly(InputStream in, OutputStream out, long length) throws IOException {
        byte[] buffer = new byte[BUFFER];
        long left = length;
        while (left > 0) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (n < 0) throw new IOException("connection closed inside a request body");
            out.write(buffer, 0, n);
            left -= n;
        }
        out.flush();
    }

    /** Closes with a reset (SO_LINGER 0): the client sees its connection die without an answer. */
    private static void reset(Socket socket) {
        try {
            socket.setSoLinger(true, 0);
        } catch (SocketException ignored) {
            // already closed
        }
        closeQuietly(socket);
    }

    private static void closeQuietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

}
