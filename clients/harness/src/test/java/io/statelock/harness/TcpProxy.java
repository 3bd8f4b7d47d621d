package io.statelock.harness;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A loopback TCP proxy the harness controls, for network faults between clients and replicas and
 * between replicas and the stores: added latency per forwarded chunk, stalls (nothing forwarded,
 * connections kept), dropped connections, and lost responses (a request reaches the server, which
 * acts on it, but its answer is dropped and the connection cut, so the caller cannot know).
 *
 * <p>A store link ({@code http1}) forwards a caller's request only once all of it has arrived
 * ({@link RequestFramer}), and however a connection ends (a fault, or either side closing it), the
 * caller's side is closed at once and the upstream side {@value #UPSTREAM_CLOSE_DELAY_MS} ms later:
 * a store never sees half a request nor loses its connection mid-answer. dynalite dies of either
 * ("aborted"), which no fault here means to test. The caller sees every fault as before.
 */
final class TcpProxy implements AutoCloseable {
  /** A store finishes a small answer within milliseconds of its first byte; 250 ms leaves room for a loaded machine. */
  static final long UPSTREAM_CLOSE_DELAY_MS = 250;

  private final String name;
  private final int upstreamPort;
  /** HTTP/1.1 to a store: requests are forwarded whole; false for gRPC (HTTP/2), passed on as it comes. */
  private final boolean http1;
  private final ServerSocket server;
  /** Every open connection, so drop() can end them all. */
  private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
  /** Closes upstream sides after their delay. */
  private final ScheduledExecutorService closer;
  private volatile long latencyMs;
  private volatile boolean stalled;
  private volatile boolean closed;
  /** Connections accepted so far: a client that had to reconnect shows here. */
  private final java.util.concurrent.atomic.AtomicInteger accepted = new java.util.concurrent.atomic.AtomicInteger();
  private final LostAnswers lost = new LostAnswers();

  TcpProxy(String name, int upstreamPort, boolean http1) throws IOException {
    this.name = name;
    this.upstreamPort = upstreamPort;
    this.http1 = http1;
    this.server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
    this.closer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "proxy-closer-" + name);
      t.setDaemon(true);
      return t;
    });
    Thread t = new Thread(this::acceptLoop, "proxy-" + name);
    t.setDaemon(true);
    t.start();
  }

  String name() {
    return name;
  }

  int accepted() {
    return accepted.get();
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

  /** Ends every open connection now (callers see a reset or EOF); new ones are accepted. */
  void drop() {
    connections.forEach(Connection::end);
  }

  /**
   * The answers to the next {@code n} writes (on any connection) are dropped and their connection
   * ended. For the HTTP/1.1 links to the stores: the server got the whole request and acted on it
   * before its first answer byte, so the caller (the AWS SDK) sees its connection closed, unanswered,
   * after its write took effect, and retries it. An interim {@code 100 Continue} is passed on (the
   * request body follows it, so the store has not acted yet).
   */
  void loseResponses(int n) {
    lost.arm(n);
  }

  /** How many of the answers asked for by {@link #loseResponses} are still to be dropped. */
  int responsesStillToLose() {
    return lost.stillToLose();
  }

  /** Answers dropped so far. */
  int responsesLost() {
    return lost.count();
  }

  /** The requests whose answers were dropped, from the {@code from}-th on. */
  List<String> lostSince(int from) {
    return lost.since(from);
  }

  /** Back to a plain pipe. */
  void heal() {
    latencyMs = 0;
    stalled = false;
    lost.heal();
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket caller = server.accept();
        accepted.incrementAndGet();
        Socket upstream = new Socket();
        try {
          // Loopback connects in microseconds; 2 s only bounds a wedged upstream.
          upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), upstreamPort), 2000);
        } catch (IOException down) {
          closeQuietly(caller); // upstream down (killed replica, restarting store): the caller sees a reset
          continue;
        }
        caller.setTcpNoDelay(true);
        upstream.setTcpNoDelay(true);
        Connection c = new Connection(caller, upstream);
        connections.add(c);
        pump(c, caller, upstream, false);
        pump(c, upstream, caller, true);
      } catch (IOException e) {
        if (!closed) {
          sleep(10);
        }
      }
    }
  }

  /** @param answers true for the upstream-to-caller direction, whose chunks {@link #loseResponses} drops */
  private void pump(Connection c, Socket from, Socket to, boolean answers) {
    Thread t = new Thread(() -> {
      byte[] buf = new byte[64 * 1024];
      RequestFramer requests = new RequestFramer(!http1);
      try {
        // Not in try-with-resources: closing a socket's stream closes the socket, and Connection.end decides when.
        InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream();
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
            for (RequestFramer.Piece piece : requests.feed(buf, n)) {
              if (piece.request() != null) {
                c.request = piece.request();
              }
              out.write(piece.bytes());
            }
            out.flush();
          } else if (c.ended.get()) {
            continue; // the rest of a lost answer: read until the upstream side closes
          } else if (lost.drop(c.request, buf, n)) {
            c.end();
          } else {
            out.write(buf, 0, n);
            out.flush();
          }
        }
      } catch (IOException e) {
        // closed by a fault, by the peer or by the other pump
      } finally {
        c.end();
      }
    }, "pump-" + name);
    t.setDaemon(true);
    t.start();
  }

  /** One proxied connection: its two sockets, and the request in flight (set by the caller's pump). */
  private final class Connection {
    final Socket caller;
    final Socket upstream;
    final AtomicBoolean ended = new AtomicBoolean();
    volatile StoreRequest request;

    Connection(Socket caller, Socket upstream) {
      this.caller = caller;
      this.upstream = upstream;
    }

    /** Once: the caller's side now, the upstream side after the delay (see the class comment). */
    void end() {
      if (!ended.compareAndSet(false, true)) {
        return;
      }
      closeQuietly(caller);
      try {
        closer.schedule(this::closeUpstream, UPSTREAM_CLOSE_DELAY_MS, TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException proxyClosed) {
        closeUpstream();
      }
    }

    void closeUpstream() {
      closeQuietly(upstream);
      connections.remove(this);
    }
  }

  @Override
  public void close() {
    closed = true;
    closeQuietly(server);
    closer.shutdownNow();
    connections.forEach(c -> {
      closeQuietly(c.caller);
      c.closeUpstream();
    });
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
