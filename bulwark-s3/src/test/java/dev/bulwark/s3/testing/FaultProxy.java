package dev.bulwark.s3.testing;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A small HTTP/1.1 proxy for tests that sits between a client and a real server and injects
 * faults per request: error answers (500, 503 {@code SlowDown}), dropped connections, stalls,
 * and a server that is "down" ({@link Faults#refuseAll()}).
 *
 * <p>To place it, start the real server, start the proxy with the server's address, and point
 * the client at {@code http://127.0.0.1:<port()>} instead of the server:
 *
 * <pre>{@code
 * try (FaultProxy proxy = FaultProxy.start(new InetSocketAddress("127.0.0.1", s3Port),
 *     Faults.NONE.withErrors(0.1, 500, 503), seed)) {
 *   URI endpoint = URI.create("http://127.0.0.1:" + proxy.port());
 *   ... run the client against endpoint; proxy.setFaults(Faults.NONE) to heal it ...
 *   assertTrue(proxy.errors() > 0);
 * }
 * }</pre>
 *
 * <p>Requests are forwarded byte for byte, {@code Host} included, so AWS signatures made for the
 * proxy's address still verify upstream; only {@code Expect: 100-continue} is answered by the
 * proxy itself and not forwarded. Each client connection is kept alive and read one request at
 * a time (bodies framed by {@code Content-Length} or chunked, verbatim, aws-chunked included);
 * each forwarded request goes upstream on a fresh connection, which is closed after its
 * response. Not supported: pipelining across a fault, {@code Upgrade} and {@code CONNECT}.
 *
 * <p>Faults are drawn from a {@link Random} seeded with {@code seed}, three draws per request
 * in the order requests arrive, so a sequential client sees the same faults on every run.
 * Thread safe; one thread per connection, named {@code bulwark-faultproxy-N}, all ended by
 * {@link #close()}.
 */
public final class FaultProxy implements AutoCloseable {
  private static final int CONNECT_TIMEOUT_MILLIS = 5_000;
  private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(10);
  private static final int LINGER_MILLIS = 2_000;

  private enum Fault { NONE, ERROR, DROP_REQUEST, DROP_RESPONSE, STALL_REQUEST, STALL_RESPONSE }

  private record Decision(Fault fault, int status) {}

  private final InetSocketAddress upstream;
  private final ServerSocket listener;
  private final Random random;
  private final CountDownLatch closing = new CountDownLatch(1);
  private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
  private final List<Thread> threads = new ArrayList<>();
  private final AtomicInteger threadNumber = new AtomicInteger();
  private final AtomicLong accepted = new AtomicLong();
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong errors = new AtomicLong();
  private final AtomicLong drops = new AtomicLong();
  private final AtomicLong stalls = new AtomicLong();
  private final AtomicLong refusals = new AtomicLong();
  private volatile Faults faults;

  private FaultProxy(InetSocketAddress upstream, Faults faults, long seed) throws IOException {
    this.upstream = Objects.requireNonNull(upstream, "upstream");
    this.faults = Objects.requireNonNull(faults, "faults");
    this.random = new Random(seed);
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
  }

  /**
   * Listens on 127.0.0.1 on a free port and forwards to {@code upstream} with {@code faults}.
   *
   * @throws UncheckedIOException if no port can be bound
   */
  public static FaultProxy start(InetSocketAddress upstream, Faults faults, long seed) {
    try {
      FaultProxy proxy = new FaultProxy(upstream, faults, seed);
      proxy.spawn(proxy::acceptLoop, "accept");
      return proxy;
    } catch (IOException e) {
      throw new UncheckedIOException("could not listen on 127.0.0.1", e);
    }
  }

  /** The local port clients connect to. */
  public int port() {
    return listener.getLocalPort();
  }

  /** The faults now in force. */
  public Faults faults() {
    return faults;
  }

  /**
   * Replaces the faults for the requests that arrive from now on. With {@code refuseAll}, every
   * live connection is reset at once, as if the server had stopped.
   */
  public void setFaults(Faults faults) {
    this.faults = Objects.requireNonNull(faults, "faults");
    if (faults.refuseAll()) {
      for (Connection c : connections) {
        refusals.incrementAndGet();
        c.reset();
      }
    }
  }

  /** Client connections accepted (including refused ones). */
  public long connections() {
    return accepted.get();
  }

  /** Request heads read from clients. */
  public long requests() {
    return requests.get();
  }

  /** Requests answered with an injected error status. */
  public long errors() {
    return errors.get();
  }

  /** Connections dropped by a drop fault. */
  public long drops() {
    return drops.get();
  }

  /** Requests held by a stall fault. */
  public long stalls() {
    return stalls.get();
  }

  /** Connections or requests reset because of {@link Faults#refuseAll()}. */
  public long refusals() {
    return refusals.get();
  }

  /**
   * Stops listening, closes every live connection (stalls end at once) and waits for all
   * proxy threads to end. Idempotent.
   *
   * @throws IllegalStateException if a proxy thread is still alive after a few seconds
   */
  @Override
  public void close() {
    closing.countDown();
    try {
      listener.close();
    } catch (IOException e) {
      // Closing a listener only fails if it is already broken; its threads end anyway.
    }
    connections.forEach(Connection::reset);
    List<Thread> started;
    synchronized (threads) {
      started = List.copyOf(threads);
    }
    long deadline = System.nanoTime() + JOIN_TIMEOUT.toNanos();
    for (Thread thread : started) {
      try {
        thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while closing the fault proxy", e);
      }
      if (thread.isAlive()) {
        throw new IllegalStateException(thread.getName() + " did not end within " + JOIN_TIMEOUT);
      }
    }
  }

  private boolean isClosing() {
    return closing.getCount() == 0;
  }

  private void spawn(Runnable task, String suffix) {
    Thread thread = new Thread(task, "bulwark-faultproxy-" + suffix);
    thread.setDaemon(true); // a test that forgets close() must not hang the JVM
    synchronized (threads) {
      threads.removeIf(t -> !t.isAlive());
      threads.add(thread);
    }
    thread.start();
  }

  private void acceptLoop() {
    while (!isClosing()) {
      Socket socket;
      try {
        socket = listener.accept();
      } catch (IOException e) {
        return; // the listener was closed by close()
      }
      accepted.incrementAndGet();
      Connection connection = new Connection(socket);
      // Registered before the checks, so setFaults or close either sees it or is seen by it.
      connections.add(connection);
      if (faults.refuseAll() || isClosing()) {
        refusals.incrementAndGet();
        connection.reset();
        connections.remove(connection);
      } else {
        spawn(connection::serve, String.valueOf(threadNumber.incrementAndGet()));
      }
    }
  }

  private synchronized Decision decide(Faults f) {
    // Always three draws, so one request's outcome never shifts the next one's.
    double roll = random.nextDouble();
    boolean early = random.nextBoolean();
    int status = f.errorStatuses().get(random.nextInt(f.errorStatuses().size()));
    if (roll < f.errorRate()) {
      return new Decision(Fault.ERROR, status);
    } else if (roll < f.errorRate() + f.dropRate()) {
      return new Decision(early ? Fault.DROP_REQUEST : Fault.DROP_RESPONSE, 0);
    } else if (roll < f.errorRate() + f.dropRate() + f.stallRate()) {
      return new Decision(early ? Fault.STALL_REQUEST : Fault.STALL_RESPONSE, 0);
    }
    return new Decision(Fault.NONE, 0);
  }

  /** One client connection: reads requests one by one and forwards or faults each. */
  private final class Connection {
    private final Socket client;
    private volatile Socket server;

    Connection(Socket client) {
      this.client = client;
    }

    void serve() {
      try (client) {
        InputStream in = new BufferedInputStream(client.getInputStream());
        OutputStream out = new BufferedOutputStream(client.getOutputStream());
        boolean open = true;
        while (open) {
          var head = HttpHead.read(in);
          if (head.isEmpty()) {
            return;
          }
          requests.incrementAndGet();
          Faults now = faults;
          if (now.refuseAll()) {
            refusals.incrementAndGet();
            reset();
            return;
          }
          open = exchange(head.get(), decide(now), now.stall(), in, out);
        }
      } catch (IOException e) {
        // The client or the server went away, or a fault or close() closed a socket: either
        // way this connection is over, which is all the client gets to see.
      } finally {
        connections.remove(this);
        closeQuietly(server);
      }
    }

    /** Answers one request; false if the client connection must end. */
    private boolean exchange(HttpHead request, Decision decision, Duration stall,
        InputStream in, OutputStream out) throws IOException {
      boolean expectsContinue = request.hasToken("Expect", "100-continue");
      switch (decision.fault()) {
        case ERROR -> {
          errors.incrementAndGet();
          // With Expect the client waits before sending the body, as S3 clients do: answer
          // at once and end the connection rather than guess whether a body follows.
          if (!expectsContinue) {
            request.copyBody(request.requestFraming(), in, OutputStream.nullOutputStream());
          }
          boolean keepAlive = !expectsContinue && !request.hasToken("Connection", "close");
          ErrorAnswer.write(out, request.method(), decision.status(), keepAlive);
          if (expectsContinue) {
            lingerClose(in);
          }
          return keepAlive;
        }
        case DROP_REQUEST -> {
          drops.incrementAndGet();
          reset();
          return false;
        }
        case STALL_REQUEST -> {
          stalls.incrementAndGet();
          hold(stall);
        }
        default -> { }
      }
      if (expectsContinue) {
        out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
      }
      try (Socket socket = new Socket()) {
        server = socket;
        if (isClosing()) {
          throw new SocketException("fault proxy closed");
        }
        socket.connect(upstream, CONNECT_TIMEOUT_MILLIS);
        InputStream serverIn = new BufferedInputStream(socket.getInputStream());
        OutputStream serverOut = new BufferedOutputStream(socket.getOutputStream());
        request.writeTo(serverOut, "Expect");
        request.copyBody(request.requestFraming(), in, serverOut);
        serverOut.flush();
        HttpHead response = finalResponse(serverIn);
        if (decision.fault() == Fault.STALL_RESPONSE) {
          stalls.incrementAndGet();
          hold(stall);
        }
        HttpHead.Framing framing = response.responseFraming(request.method());
        if (decision.fault() == Fault.DROP_RESPONSE) {
          drops.incrementAndGet();
          // Half the body if there is one to cut; else nothing, though the server acted.
          if (framing == HttpHead.Framing.LENGTH && response.contentLength() >= 2) {
            response.writeTo(out, null);
            HttpHead.copy(serverIn, out, response.contentLength() / 2);
          }
          out.flush();
          client.close(); // a FIN after a truncated response: the client sees a premature EOF
          return false;
        }
        response.writeTo(out, null);
        response.copyBody(framing, serverIn, out);
        out.flush();
        return framing != HttpHead.Framing.UNTIL_CLOSE
            && !request.hasToken("Connection", "close")
            && !response.hasToken("Connection", "close");
      }
    }

    /** The first non-1xx response; interim ones are not relayed (we answered Expect). */
    private HttpHead finalResponse(InputStream serverIn) throws IOException {
      while (true) {
        HttpHead head = HttpHead.read(serverIn)
            .orElseThrow(() -> new SocketException("upstream closed without a response"));
        if (head.status() / 100 != 1) {
          return head;
        }
      }
    }

    private void hold(Duration stall) throws IOException {
      try {
        if (closing.await(stall.toMillis(), TimeUnit.MILLISECONDS)) {
          throw new SocketException("fault proxy closed during a stall");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new SocketException("interrupted during a stall");
      }
    }

    /**
     * Closes after an answer sent while the client may still be sending a body it did not hold
     * back for Expect (HttpURLConnection sends buffered bodies at once): closing with unread
     * bytes would reset the connection and could destroy the answer before the client reads it.
     */
    private void lingerClose(InputStream in) throws IOException {
      client.shutdownOutput();
      client.setSoTimeout(LINGER_MILLIS);
      try {
        in.transferTo(OutputStream.nullOutputStream());
      } catch (SocketTimeoutException e) {
        // The client neither finished nor closed; the close below resets it.
      }
      client.close();
    }

    /** Ends the connection with a TCP reset, as a crashed or stopped server would. */
    void reset() {
      try {
        client.setSoLinger(true, 0);
      } catch (SocketException e) {
        // Already closed: nothing left to reset.
      }
      closeQuietly(client);
      closeQuietly(server);
    }
  }

  private static void closeQuietly(Socket socket) {
    if (socket != null) {
      try {
        socket.close();
      } catch (IOException e) {
        // Closing is all we wanted; a socket that fails to close is closed enough here.
      }
    }
  }
}
