package io.statelock.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The proxy's lost-response fault against a small HTTP/1.1 server on loopback, and its whole-request
 * forwarding against a server that only counts the bytes it receives.
 */
class FaultProxyTest {
    private ServerSocket server;
    /** Request lines the server received (and answered). */
    private final List<String> received = new CopyOnWriteArrayList<>();

    private FaultProxy proxy;

    @BeforeEach
    void start() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::serve, "http-server");
        t.setDaemon(true);
        t.start();
        proxy = FaultProxy.http1("test-store", server.getLocalPort());
    }

    @AfterEach
    void stop() throws IOException {
        proxy.close();
        server.close();
    }

    /**
     * One request per connection: read the head, answer 200 with a body and close. Asked to keep the
     * connection ({@code Connection: keep-alive}), it sends the answer's head and then its body in two
     * writes 50 ms apart, notes when the whole answer was sent, and waits for the next request, as a
     * store does.
     */
    private void serve() {
        while (!server.isClosed()) {
            try (Socket s = server.accept()) {
                String head = readHead(s.getInputStream());
                received.add(head.substring(0, head.indexOf("\r\n")));
                OutputStream out = s.getOutputStream();
                if (!head.contains("Connection: keep-alive")) {
                    out.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
                            .getBytes(StandardCharsets.US_ASCII));
                    continue;
                }
                out.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                for (char c : "ok".toCharArray()) { // two writes: the second fails on a connection the proxy closed
                    Thread.sleep(50);
                    out.write(c);
                    out.flush();
                }
                answered.add(head.substring(0, head.indexOf("\r\n")));
                readHead(s.getInputStream()); // until the proxy closes the connection
            } catch (IOException e) {
                // closed
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Request lines whose whole keep-alive answer the server sent before its connection was closed. */
    private final List<String> answered = new CopyOnWriteArrayList<>();

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        while (!b.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                break;
            }
            b.write(c);
        }
        return b.toString(StandardCharsets.US_ASCII);
    }

    /** Sends one request through the proxy; the whole answer ("" when the connection closed unanswered). */
    private String call(String method, String target) throws IOException {
        return call(method, target, "close");
    }

    private String call(String method, String target, String connection) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write((method + " / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: DynamoDB_20120810." + target
                            + "\r\nConnection: " + connection + "\r\nContent-Length: 0\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    @Test
    void anArmedLinkDeliversTheWriteButDropsItsAnswerThenHeals() throws IOException {
        proxy.loseResponses(1);
        assertTrue(call("POST", "GetItem").endsWith("ok"), "reads are answered");
        assertEquals("", call("POST", "UpdateItem"), "the write's answer is dropped");
        assertEquals(List.of("POST / HTTP/1.1", "POST / HTTP/1.1"), received, "yet the server got the write");
        assertEquals("[UpdateItem]", proxy.lostSince(0).toString());
        assertEquals(
                List.of("GetItem", "UpdateItem"),
                proxy.seen().stream().map(StoreRequest::name).toList());
        assertEquals(0, proxy.responsesStillToLose());
        assertTrue(call("POST", "UpdateItem").endsWith("ok"), "one answer asked, one lost");
    }

    @Test
    void aLostAnswerIsCutOnlyAfterTheStoreHasSentItAll() throws Exception {
        proxy.loseResponses(1);
        assertEquals("", call("POST", "PutItem", "keep-alive"), "the caller gets nothing, and its connection closed");
        Thread.sleep(FaultProxy.UPSTREAM_CLOSE_DELAY_MS + 100);
        assertEquals(List.of("POST / HTTP/1.1"), answered, "the store finished its answer: nothing aborted it");
    }

    @Test
    void aCallerGoneMidAnswerDoesNotCutTheStoreOffEither() throws Exception {
        // As when a replica is killed (-9) with a request in flight: its side closes before the answer.
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
            s.getOutputStream()
                    .write(("POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: DynamoDB_20120810.UpdateItem\r\n"
                                    + "Connection: keep-alive\r\nContent-Length: 0\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            s.getInputStream().read(); // the answer has begun
        }
        Thread.sleep(FaultProxy.UPSTREAM_CLOSE_DELAY_MS + 100);
        assertEquals(List.of("POST / HTTP/1.1"), answered, "the store finished its answer: nothing aborted it");
    }

    @Test
    void aCallerGoneMidRequestNeverReachesTheStore() throws Exception {
        // As when a replica is killed (-9) mid-send: dynalite throws on a request whose connection closes unread.
        try (ServerSocket counting = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                FaultProxy link = FaultProxy.http1("counted-store", counting.getLocalPort())) {
            String head = "POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: DynamoDB_20120810.UpdateItem\r\n"
                    + "Content-Length: 100\r\n\r\n";
            // Half a body, then only half a head: neither is forwarded before the caller closes.
            assertEquals(0, bytesTheStoreGets(counting, link, head + "{\"TableName\":"), "half a body");
            assertEquals(0, bytesTheStoreGets(counting, link, head.substring(0, 40)), "half a head");
            String whole = head + "x".repeat(100);
            assertEquals(whole.length(), bytesTheStoreGets(counting, link, whole), "a whole request is forwarded");
        }
    }

    /** Sends {@code sent} through {@code link} in two writes and closes; the bytes {@code counting} got on that connection. */
    private static long bytesTheStoreGets(ServerSocket counting, FaultProxy link, String sent) throws Exception {
        byte[] bytes = sent.getBytes(StandardCharsets.US_ASCII);
        try (Socket caller = new Socket(InetAddress.getLoopbackAddress(), link.port())) {
            caller.getOutputStream().write(bytes, 0, bytes.length / 2);
            caller.getOutputStream().flush();
            Thread.sleep(50); // two TCP segments, as a sender cut off mid-request leaves them
            caller.getOutputStream().write(bytes, bytes.length / 2, bytes.length - bytes.length / 2);
            caller.getOutputStream().flush();
        }
        // The proxy connects upstream when the caller connects; it closes that side once the caller is gone.
        try (Socket upstream = counting.accept()) {
            upstream.setSoTimeout(5000);
            return upstream.getInputStream().readAllBytes().length;
        }
    }

    @Test
    void requestsAreRecognisedByTheirHeads() {
        StoreRequest dynamo =
                StoreRequest.parse("POST / HTTP/1.1\r\nHost: h\r\nX-Amz-Target: DynamoDB_20120810.PutItem\r\n"
                        + "amz-sdk-request: attempt=2; max=4\r\n\r\n");
        assertEquals("PutItem", dynamo.name());
        assertTrue(dynamo.write() && dynamo.isDynamo("PutItem") && dynamo.attempt() == 2);
        StoreRequest s3 = StoreRequest.parse(
                "PUT /bucket/k/v1?x-id=PutObject HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\n\r\n");
        assertEquals("PUT /bucket/k/v1", s3.name());
        assertTrue(s3.write() && s3.isS3Put() && s3.isFirstAttempt());
        StoreRequest get = StoreRequest.parse("GET /bucket/k/v1 HTTP/1.1\r\n\r\n");
        assertEquals("GET /bucket/k/v1", get.name());
        assertTrue(!get.write() && !get.isS3Put());
        assertTrue(!StoreRequest.parse("POST / HTTP/1.1\r\nX-Amz-Target: DynamoDB_20120810.GetItem\r\n\r\n")
                .write());
    }

    @Test
    void anUploadThatWaitsFor100ContinueHasItsHeadForwardedAtOnceAndItsAnswerLost() throws Exception {
        proxy.loseResponses(1, StoreRequest::isS3Put);
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
            s.setSoTimeout(5000);
            s.getOutputStream()
                    .write(("PUT /bucket/k HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nConnection: close\r\n"
                                    + "Content-Length: 10\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            // The server answers on the head alone (this one does not wait for the body): the answer is lost.
            assertEquals("", new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII));
        }
        assertEquals(
                List.of("PUT / HTTP/1.1"),
                received.stream().map(l -> l.replace("/bucket/k", "/")).toList());
        assertEquals("[PUT /bucket/k]", proxy.lost().toString());
    }

    @Test
    void aRawLinkPassesBytesOnAsTheyComeAndCountsConnections() throws Exception {
        try (FaultProxy raw = FaultProxy.raw("grpc", server.getLocalPort());
                Socket s = new Socket(InetAddress.getLoopbackAddress(), raw.port())) {
            s.setSoTimeout(5000);
            s.getOutputStream()
                    .write("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                            .getBytes(StandardCharsets.US_ASCII));
            assertTrue(new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).endsWith("ok"));
            assertEquals(1, raw.accepted());
            assertEquals(List.of(), raw.seen(), "a raw link does not read requests");
        }
    }
}
