package io.statelock.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** Reads HTTP/1.1 messages off a stream: heads, and request bodies framed by Content-Length or chunked coding. */
final class HttpFraming {
    /** The SDK's request line and headers take under 4 KiB; a longer "head" is not one of its requests. */
    static final int MAX_HEAD = 64 * 1024;

    static final int BUFFER = 16 * 1024;

    private HttpFraming() {}

    /** The bytes up to and including the blank line that ends an HTTP head, or null at the end of the stream. */
    static byte[] readHead(InputStream in) throws IOException {
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

    /** The body's length from Content-Length: 0 without one (a request has no body then). */
    static long contentLength(StoreRequest request) {
        return Long.parseLong(request.headers().getOrDefault("content-length", "0"));
    }

    static boolean chunked(StoreRequest request) {
        return "chunked".equalsIgnoreCase(request.headers().getOrDefault("transfer-encoding", ""));
    }

    /** Exactly {@code length} bytes, or an exception when the stream ends first. */
    static byte[] readExactly(InputStream in, long length) throws IOException {
        byte[] body = in.readNBytes((int) length);
        if (body.length < length) throw new IOException("connection closed inside a request body");
        return body;
    }

    /** Copies a chunked body, trailers included, as it comes. */
    static void copyChunked(InputStream in, OutputStream out) throws IOException {
        while (true) {
            String sizeLine = readLine(in);
            out.write((sizeLine + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            int semicolon = sizeLine.indexOf(';');
            long size = Long.parseLong((semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim(), 16);
            if (size == 0) {
                for (String line = readLine(in); ; line = readLine(in)) { // trailers, then the empty line
                    out.write((line + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    if (line.isEmpty()) break;
                }
                out.flush();
                return;
            }
            copyExactly(in, out, size);
            out.write((readLine(in) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        }
    }

    /** Copies exactly {@code length} bytes as they come. */
    static void copyExactly(InputStream in, OutputStream out, long length) throws IOException {
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

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) throw new IOException("connection closed inside a chunked body");
            if (b != '\r') line.append((char) b);
        }
        return line.toString();
    }
}
