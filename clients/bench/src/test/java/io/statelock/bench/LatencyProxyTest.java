package io.statelock.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The proxy the benchmark puts before dynalite: every byte arrives, in order, a round trip later by twice its delay. */
class LatencyProxyTest {
    @Test
    void delaysEachWayAndKeepsTheBytesInOrder() throws Exception {
        try (ServerSocket echo = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            Thread server = new Thread(() -> {
                try (Socket s = echo.accept()) {
                    s.getInputStream().transferTo(s.getOutputStream());
                } catch (Exception ignored) {
                    // the test ended
                }
            });
            server.setDaemon(true);
            server.start();
            try (LatencyProxy proxy = new LatencyProxy(echo.getLocalPort(), 20);
                    Socket client = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
                byte[] sent = new byte[200_000]; // more than one read: chunks must stay in order
                new Random(7).nextBytes(sent);
                OutputStream out = client.getOutputStream();
                InputStream in = client.getInputStream();
                long start = System.nanoTime();
                out.write(sent, 0, 1);
                int first = in.read();
                double roundTripMs = (System.nanoTime() - start) / 1e6;
                assertTrue(roundTripMs >= 40, "a round trip through a 20 ms proxy took " + roundTripMs + " ms");
                assertTrue(first == (sent[0] & 0xff));
                Thread writer = new Thread(() -> {
                    try {
                        out.write(sent, 1, sent.length - 1);
                        client.shutdownOutput();
                    } catch (Exception ignored) {
                        // the read below fails then
                    }
                });
                writer.start();
                byte[] back = new byte[sent.length];
                back[0] = (byte) first;
                new DataInputStream(in).readFully(back, 1, back.length - 1);
                assertArrayEquals(sent, back);
                assertTrue(in.read() < 0, "the end of the stream passes through too");
            }
        }
    }
}
