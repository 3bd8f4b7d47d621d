package io.statelock.testing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;

/**
 * Speaks the http backend protocol exactly as Terraform's and OpenTofu's clients do
 * (internal/backend/remote-state/http/client.go): the same methods, query, headers and bodies.
 */
public final class TerraformHttp {
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    private final String address;
    private String basicAuth;
    private Duration timeout = Duration.ofSeconds(30);

    public TerraformHttp(int port, String key) {
        this.address = "http://127.0.0.1:" + port + "/terraform/" + key;
    }

    /** Per-request timeout (a 256 MiB POST needs more than the default 30 s on a busy machine). */
    public TerraformHttp withTimeout(Duration t) {
        timeout = t;
        return this;
    }

    /** TF_HTTP_USERNAME / TF_HTTP_PASSWORD: basic auth on every request. */
    public TerraformHttp withBasicAuth(String user, String password) {
        basicAuth =
                "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        return this;
    }

    /** Terraform's statemgr.LockInfo.Marshal(). */
    public static String lockInfo(String id, String who) {
        return "{\"ID\":\"" + id + "\",\"Operation\":\"OperationTypeApply\",\"Info\":\"\",\"Who\":\"" + who
                + "\",\"Version\":\"1.9.5\",\"Created\":\"2026-11-27T10:00:00.123456Z\",\"Path\":\"\"}";
    }

    /** Any other {@code Authorization} value (Bearer, or Basic of bytes that are not UTF-8). */
    public TerraformHttp withAuthorization(String header) {
        basicAuth = header;
        return this;
    }

    public HttpResponse<byte[]> lock(String lockInfo) throws Exception {
        return send("LOCK", address, lockInfo.getBytes(StandardCharsets.UTF_8));
    }

    public HttpResponse<byte[]> unlock(String lockInfo) throws Exception {
        return send("UNLOCK", address, lockInfo.getBytes(StandardCharsets.UTF_8));
    }

    public HttpResponse<byte[]> get() throws Exception {
        return send("GET", address, null);
    }

    /** Put(data): POST to the address with {@code ?ID=<lock id>} when locked. */
    public HttpResponse<byte[]> post(String lockId, byte[] state) throws Exception {
        return send("POST", lockId == null ? address : address + "?ID=" + lockId, state);
    }

    public HttpResponse<byte[]> delete() throws Exception {
        return send("DELETE", address, null);
    }

    /** httpRequest(): Content-Type and Content-MD5 with every body, basic auth when configured. */
    public HttpResponse<byte[]> send(String method, String url, byte[] body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(timeout);
        if (basicAuth != null) b.header("Authorization", basicAuth);
        if (body != null) {
            b.header("Content-Type", "application/json");
            b.header(
                    "Content-MD5",
                    Base64.getEncoder()
                            .encodeToString(MessageDigest.getInstance("MD5").digest(body)));
            b.method(method, HttpRequest.BodyPublishers.ofByteArray(body));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    public HttpClient client() {
        return http;
    }

    public String address() {
        return address;
    }

    public static String body(HttpResponse<byte[]> r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }
}
