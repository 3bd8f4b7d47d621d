package io.statelock.harness;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback TCP proxy the harness controls, for network faults between clients and replicas and
 * between replicas and the stores: added latency per forwarded chunk, stalls (nothing forwarded,
 * connections kept), dropped connections, and lost responses (a request reaches the server, which
 * acts on it, but its answer is dropped and the connection cut, so the caller cannot know).
 */
final class TcpProxy implements AutoCloseable {
  private final String name;
  private final int upstreamPort;
  private final ServerSocket server;
  /** Every open socket (both sides), so drop() can close them all. */
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  /** A store finishes a small answer within milliseconds of its first byte; 250 ms leaves room for a loaded machine. */
  private static final long CUT_DELAY_MS = 250;
  private volatile long latencyMs;
  private volatile boolean stalled;
  private volatile boolean closed;
  /** How many of the next answers to writes to drop, cutting their connection; 0 when healed. */
  private final AtomicInteger responsesToLose = new AtomicInteger();
  /** The requests whose answers were dropped, over the proxy's life, in order. */
  private final List<String> lost = new CopyOnWriteArrayList<>();

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

  /**
   * The answers to the next {@code n} writes (on any connection) are dropped and their connection
   * closed both ways once the store has sent it all. For the HTTP/1.1 links to the stores: the server
   * got the whole request and acted on it before its first answer byte, so the caller (the AWS SDK)
   * sees its connection closed, unanswered, after its write took effect, and retries it. An interim {@code 100 Continue} is passed on (the request
   * body follows it, so the store has not acted yet).
   */
  void loseResponses(int n) {
    responsesToLose.set(n);
  }

  /** How many of the answers asked for by {@link #loseResponses} are still to be dropped. */
  int responsesStillToLose() {
    return responsesToLose.get();
  }

  /** Answers dropped so far. */
  int responsesLost() {
    return lost.size();
  }

  /** The requests whose answers were dropped, from the {@code from}-th on. */
  List<String> lostSince(int from) {
    return List.copyOf(lost.subList(from, lost.size()));
  }

  /** Back to a plain pipe. */
  void heal() {
    latencyMs = 0;
    stalled = false;
    responsesToLose.set(0);
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
        Exchange exchange = new Exchange();
        pump(client, upstream, exchange, false);
        pump(upstream, client, exchange, true);
      } catch (IOException e) {
        if (!closed) {
          sleep(10);
        }
      }
    }
  }

  /**
   * @param exchange what this connection carries, shared by its two pumps
   * @param answers true for the upstream-to-caller direction, whose chunks {@link #loseResponses} drops
   */
  private void pump(Socket from, Socket to, Exchange exchange, boolean answers) {
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
          if (!answers) {
            StoreRequest request = StoreRequest.startingIn(buf, n);
            if (request != null) {
              exchange.request = request;
            }
          } else if (exchange.swallowing) {
            continue; // the rest of a lost answer
          } else if (!interimContinue(buf, n) && isWrite(exchange.request) && takeOne(responsesToLose)) {
            lost.add(exchange.request.name());
            exchange.swallowing = true;
            cutLater(from, to);
            continue;
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

  /**
   * Closes a connection whose answer is being swallowed, once the store has surely finished sending
   * it: closed mid-answer, dynalite counts the request as aborted and dies of it, while a caller
   * that loses an answer is all this fault is about.
   */
  private void cutLater(Socket upstream, Socket caller) {
    Thread t = new Thread(() -> {
      sleep(CUT_DELAY_MS);
      closeQuietly(caller);
      closeQuietly(upstream);
    }, "cut-" + name);
    t.setDaemon(true);
    t.start();
  }

  /** {@code HTTP/1.1 100 Continue}: the server waits for the request body, it has not acted yet. */
  private static boolean interimContinue(byte[] buf, int n) {
    byte[] prefix = "HTTP/1.1 100".getBytes(StandardCharsets.US_ASCII);
    return n >= prefix.length && Arrays.equals(buf, 0, prefix.length, prefix, 0, prefix.length);
  }

  private static boolean isWrite(StoreRequest r) {
    return r != null && r.write();
  }

  /** Decrements {@code counter} if it is positive; true if it did. */
  private static boolean takeOne(AtomicInteger counter) {
    return counter.getAndUpdate(c -> c > 0 ? c - 1 : 0) > 0;
  }

  /** One proxied connection: the request in flight (set by the caller's pump), and whether its answer is lost. */
  private static final class Exchange {
    volatile StoreRequest request;
    volatile boolean swallowing;
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
