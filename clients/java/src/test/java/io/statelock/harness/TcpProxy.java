package io.statelock.harness;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A loopback TCP proxy the harness controls, for network faults between clients and replicas and
 * between replicas and the stores: added latency per forwarded chunk, stalls (nothing forwarded,
 * connections kept), and dropped connections.
 */
final class TcpProxy implements AutoCloseable {
  private final String name;
  private final int upstreamPort;
  private final ServerSocket server;
  /** Every open socket (both sides), so drop() can close them all. */
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private volatile long latencyMs;
  private volatile boolean stalled;
  private volatile boolean closed;

  TcpProxy(String name, int upstreamPort) throws IOException {
    this.name = name;
    this.upstreamPort = upstreamPort;
    this.server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
    Thread t = new Thread(this::acceptLoop, "proxy-" + name);
    t.setDaemon(true);
    t.start();
  }

  String name() {
    return name;
  }

  int port() {
    return server.getLocalPort();
  }

  void latency(long ms) {
    latencyMs = ms;
  }

  void stall(boolean on) {
    stalled = on;
  }

  /** Closes every open connection now (both sides see a reset or EOF); new ones are accepted. */
  void drop() {
    for (Socket s : sockets) {
      closeQuietly(s);
    }
  }

  /** Back to a plain pipe. */
  void heal() {
    latencyMs = 0;
    stalled = false;
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket client = server.accept();
        Socket upstream = new Socket();
        try {
          // Loopback connects in microseconds; 2 s only bounds a wedged upstream.
          upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), upstreamPort), 2000);
        } catch (IOException down) {
          closeQuietly(client); // upstream down (killed replica, restarting store): the caller sees a reset
          continue;
        }
        client.setTcpNoDelay(true);
        upstream.setTcpNoDelay(true);
        sockets.add(client);
        sockets.add(upstream);
        pump(client, upstream);
        pump(upstream, client);
      } catch (IOException e) {
        if (!closed) {
          sleep(10);
        }
      }
    }
  }

  private void pump(Socket from, Socket to) {
    Thread t = new Thread(() -> {
      byte[] buf = new byte[64 * 1024];
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        int n;
        while ((n = in.read(buf)) >= 0) {
          while (stalled && !from.isClosed()) {
            sleep(10);
          }
          long delay = latencyMs;
          if (delay > 0) {
            sleep(delay);
          }
          out.write(buf, 0, n);
          out.flush();
        }
      } catch (IOException e) {
        // closed by drop(), by the peer or by the other pump
      } finally {
        closeQuietly(from);
        closeQuietly(to);
        sockets.remove(from);
        sockets.remove(to);
      }
    }, "pump-" + name);
    t.setDaemon(true);
    t.start();
  }

  @Override
  public void close() {
    closed = true;
    closeQuietly(server);
    drop();
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      // already closed
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
