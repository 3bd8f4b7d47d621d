package io.statelock.sweep;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A bare HTTP/1.1 client on a socket: sends the request line, headers and body exactly as given
 * (paths unencoded and unnormalized, any method, lying Content-Length), one request per connection.
 */
final class RawHttp {
    private final int port;

    RawHttp(int port) {
        this.port = port;
    }

    /** A request; {@code headers} may override the defaults (Host, Content-Length, Connection). */
    record Request(String method, String target, Map<String, String> headers, byte[] body, boolean closeEarly) {
        static Request of(String method, String target, byte[] body) {
            return new Request(method, target, new LinkedHashMap<>(), body, false);
        }

        Request header(String name, String value) {
            Map<String, String> h = new LinkedHashMap<>(headers);
            h.put(name, value);
            return new Request(method, target, h, body, closeEarly);
        }

        /** Stops writing after the body (even if shorter than declared) and closes the sending side. */
        Request closingEarly() {
            return new Request(method, target, headers, body, true);
        }
    }

    /** The status code (or -1 when the connection closed without an answer) and the body. */
    SweepCase.Outcome send(Request r) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(20_000);
            Map<String, String> h = new LinkedHashMap<>();
            h.put("Host", "127.0.0.1:" + port);
            if (r.body() != null) h.put("Content-Length", Integer.toString(r.body().length));
            h.put("Connection", "close");
            r.headers().forEach((k, v) -> {
                if (v == null) h.remove(k);
                else h.put(k, v);
            });
            StringBuilder head =
                    new StringBuilder(r.method()).append(' ').append(r.target()).append(" HTTP/1.1\r\n");
            h.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
            head.append("\r\n");
            OutputStream out = s.getOutputStream();
            try {
                out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
                if (r.body() != null) out.write(r.body());
                out.flush();
                if (r.closeEarly()) s.shutdownOutput();
            } catch (IOException e) {
                // the server answered (and closed) before the whole body was sent: read what it said
            }
            return read(s.getInputStream());
        }
    }

    private static SweepCase.Outcome read(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        try {
            in.transferTo(all);
        } catch (SocketTimeoutException e) {
            return new SweepCase.Outcome("HANG", "no answer within 20 s", java.util.List.of());
        } catch (IOException e) {
            // reset after the answer was sent: keep what arrived
        }
        String text = all.toString(StandardCharsets.UTF_8);
        if (!text.startsWith("HTTP/1."))
            return new SweepCase.Outcome("CLOSED", "closed without an answer", java.util.List.of());
        int status = Integer.parseInt(text.substring(9, 12));
        int bodyStart = text.indexOf("\r\n\r\n");
        String body = bodyStart < 0 ? "" : text.substring(bodyStart + 4);
        return new SweepCase.Outcome("HTTP " + status, body.strip(), java.util.List.of());
    }
}
