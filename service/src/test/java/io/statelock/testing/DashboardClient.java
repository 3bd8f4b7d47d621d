package io.statelock.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Iterator;
import java.util.stream.Stream;

/** The dashboard's JSON calls, as the page makes them: {@code Authorization: Bearer} when a token is given. */
public final class DashboardClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final int port;
    private final String token;

    public DashboardClient(int port, String token) {
        this.port = port;
        this.token = token;
    }

    /** An answer: status, a header, and the JSON body. */
    public record Answer(int status, HttpResponse<String> response, JsonNode json) {
        public String header(String name) {
            return response.headers().firstValue(name).orElse(null);
        }
    }

    public Answer get(String pathAndQuery) {
        return send(request(pathAndQuery).GET().build());
    }

    public Answer post(String path, String contentType, String body) {
        HttpRequest.Builder b = request(path).POST(HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) b.header("Content-Type", contentType);
        return send(b.build());
    }

    public HttpRequest.Builder request(String pathAndQuery) {
        HttpRequest.Builder b = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/ui/api/" + pathAndQuery))
                .timeout(Duration.ofSeconds(20));
        if (token != null) b.header("Authorization", "Bearer " + token);
        return b;
    }

    public Answer send(HttpRequest request) {
        try {
            HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
            boolean json = r.headers().firstValue("Content-Type").orElse("").startsWith("application/json");
            return new Answer(r.statusCode(), r, json ? JSON.readTree(r.body()) : null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** An open event stream: its status and its events' JSON, read as they come. */
    public record Events(HttpResponse<Stream<String>> response, Iterator<String> lines) implements AutoCloseable {
        /** The next event of type {@code type} (skipping others and keep-alive comments). */
        public JsonNode next(String type) throws IOException {
            String event = null;
            while (lines.hasNext()) {
                String line = lines.next();
                if (line.startsWith("event: ")) event = line.substring(7);
                else if (line.startsWith("data: ") && type.equals(event)) return JSON.readTree(line.substring(6));
            }
            throw new IOException("the stream ended before a '" + type + "' event");
        }

        @Override
        public void close() {
            response.body().close();
        }
    }

    public Events watch(String prefix) throws IOException, InterruptedException {
        return openStream("prefix=" + java.net.URLEncoder.encode(prefix, java.nio.charset.StandardCharsets.UTF_8));
    }

    /** One key's events (a key's page). */
    public Events watchKey(String key) throws IOException, InterruptedException {
        return openStream("key=" + java.net.URLEncoder.encode(key, java.nio.charset.StandardCharsets.UTF_8));
    }

    private Events openStream(String query) throws IOException, InterruptedException {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ui/api/watch?" + query))
                .headers(
                        token == null
                                ? new String[] {"Accept", "text/event-stream"}
                                : new String[] {"Accept", "text/event-stream", "Authorization", "Bearer " + token})
                .build();
        HttpResponse<Stream<String>> r = http.send(req, HttpResponse.BodyHandlers.ofLines());
        return new Events(r, r.body().iterator());
    }
}
