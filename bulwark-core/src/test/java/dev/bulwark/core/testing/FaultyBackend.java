package dev.bulwark.core.testing;

import dev.bulwark.core.FileType;
import dev.bulwark.core.backend.Backend;
import dev.bulwark.core.backend.FileInfo;
import dev.bulwark.core.backend.ForwardingBackend;
import dev.bulwark.core.backend.Handle;
import dev.bulwark.core.backend.TransientBackendException;
import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A {@link Backend} around a real one that misbehaves when told to, as restic's mock and test
 * backends do: fail, truncate or corrupt a load, or stall, on the Nth call of an operation,
 * optionally only for one file type. Everything else goes to the wrapped backend unchanged.
 *
 * <pre>{@code
 * FaultyBackend b = new FaultyBackend(LocalBackend.open(dir));
 * b.on(Op.SAVE).type(FileType.PACK).nth(2).fail();       // the 2nd pack upload fails
 * b.on(Op.LOAD).type(FileType.PACK).always().corrupt();  // every pack read is damaged
 * Fault stall = b.on(Op.SAVE).type(FileType.PACK).nth(1).stall(Duration.ofSeconds(30));
 * stall.awaitFired(Duration.ofSeconds(5)); ... stall.release();
 * }</pre>
 *
 * <p>Each fault counts the calls it matches from the moment it is added, so faults added after
 * a repository is opened are not consumed by the opening. When several faults match a call, the
 * first added that fires wins. Thread-safe.
 */
public final class FaultyBackend extends ForwardingBackend {
  /** The operations a fault can be attached to. */
  public enum Op { SAVE, LOAD, STAT, LIST, DELETE }

  private final List<Fault> faults = new CopyOnWriteArrayList<>();
  private final Map<Op, AtomicInteger> calls = new EnumMap<>(Op.class);
  private final Map<FileType, Map<Op, AtomicInteger>> callsByType = new EnumMap<>(FileType.class);

  public FaultyBackend(Backend inner) {
    super(inner);
    for (Op op : Op.values()) {
      calls.put(op, new AtomicInteger());
    }
    for (FileType t : FileType.values()) {
      Map<Op, AtomicInteger> m = new EnumMap<>(Op.class);
      for (Op op : Op.values()) {
        m.put(op, new AtomicInteger());
      }
      callsByType.put(t, m);
    }
  }

  /** Starts describing a fault on {@code op}. */
  public Selector on(Op op) {
    return new Selector(op);
  }

  /** Removes every fault; stalled calls are released. */
  public void clearFaults() {
    for (Fault f : faults) {
      f.release();
    }
    faults.clear();
  }

  /** How many calls of {@code op} reached this backend, faulty or not. */
  public int calls(Op op) {
    return calls.get(op).get();
  }

  /** How many calls of {@code op} on files of {@code type} reached this backend. */
  public int calls(Op op, FileType type) {
    return callsByType.get(type).get(op).get();
  }

  /** The wrapped backend. */
  public Backend inner() {
    return inner;
  }

  /** Which calls a fault applies to; finished by choosing what the fault does. */
  public final class Selector {
    private final Op op;
    private FileType type;
    private String name;
    private int first = 1;
    private int last = 1;

    private Selector(Op op) {
      this.op = op;
    }

    /** Only calls on files of this type. */
    public Selector type(FileType t) {
      this.type = t;
      return this;
    }

    /** Only calls on the file {@code h} (not listings). */
    public Selector file(Handle h) {
      this.type = h.type();
      this.name = h.name();
      return this;
    }

    /** Only the {@code n}th matching call (counting from 1). */
    public Selector nth(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("calls count from 1");
      }
      first = n;
      last = n;
      return this;
    }

    /** The {@code n}th matching call and every one after it. */
    public Selector from(int n) {
      nth(n);
      last = Integer.MAX_VALUE;
      return this;
    }

    /** Every matching call. */
    public Selector always() {
      return from(1);
    }

    /** The call throws a plain {@link IOException}. */
    public Fault fail() {
      return add(Kind.FAIL, 0, null);
    }

    /** The call throws a {@link TransientBackendException}, a failure worth retrying. */
    public Fault failTransient() {
      return add(Kind.FAIL_TRANSIENT, 0, null);
    }

    /**
     * A load sees the file {@code bytes} shorter than it is stored: a whole-file load returns it
     * without its last {@code bytes}, a range load reaching past that end throws an {@link
     * java.io.EOFException}, as the backend contract has it for a file that is too short.
     */
    public Fault truncate(int bytes) {
      requireLoad();
      return add(Kind.TRUNCATE, bytes, null);
    }

    /**
     * A load returns one byte less than it asked for, without an error: a backend that breaks
     * the contract (a range load owes exactly the range or an exception).
     */
    public Fault shortRead() {
      requireLoad();
      return add(Kind.SHORT_READ, 1, null);
    }

    /** A load returns its data with the byte in the middle flipped. */
    public Fault corrupt() {
      requireLoad();
      return add(Kind.CORRUPT, 0, null);
    }

    /**
     * The call blocks until {@link Fault#release()} (then it proceeds normally) or until
     * {@code timeout} (then it fails with a {@link TransientBackendException}, as a request
     * that timed out). An interrupt ends the wait with an {@link InterruptedIOException}.
     */
    public Fault stall(Duration timeout) {
      return add(Kind.STALL, 0, timeout);
    }

    private void requireLoad() {
      if (op != Op.LOAD) {
        throw new IllegalArgumentException("only a load can be truncated or corrupted");
      }
    }

    private Fault add(Kind kind, int bytes, Duration timeout) {
      Fault f = new Fault(op, type, name, first, last, kind, bytes, timeout);
      faults.add(f);
      return f;
    }
  }

  private enum Kind { FAIL, FAIL_TRANSIENT, TRUNCATE, SHORT_READ, CORRUPT, STALL }

  /** One programmed fault: how often it matched and fired, and the release of a stall. */
  public static final class Fault {
    private final Op op;
    private final FileType type;
    private final String name;
    private final int first;
    private final int last;
    private final Kind kind;
    private final int bytes;
    private final Duration timeout;
    private final AtomicInteger matched = new AtomicInteger();
    private final AtomicInteger fired = new AtomicInteger();
    private final CountDownLatch firedOnce = new CountDownLatch(1);
    private final CountDownLatch released = new CountDownLatch(1);

    private Fault(Op op, FileType type, String name, int first, int last, Kind kind, int bytes,
        Duration timeout) {
      this.op = op;
      this.type = type;
      this.name = name;
      this.first = first;
      this.last = last;
      this.kind = kind;
      this.bytes = bytes;
      this.timeout = timeout;
    }

    /** How many times the fault fired. */
    public int fired() {
      return fired.get();
    }

    /** Waits until the fault first fires (for a stall: until a call is blocked in it). */
    public boolean awaitFired(Duration wait) throws InterruptedException {
      return firedOnce.await(wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Lets stalled calls (and later ones) proceed normally. */
    public void release() {
      released.countDown();
    }

    /** Counts a call and returns true if the fault fires on it. */
    private boolean fires(Op calledOp, FileType calledType, String calledName) {
      if (calledOp != op || (type != null && type != calledType)
          || (name != null && !name.equals(calledName))) {
        return false;
      }
      int n = matched.incrementAndGet();
      return n >= first && n <= last;
    }

    private void fireBefore(String what) throws IOException {
      fired.incrementAndGet();
      firedOnce.countDown();
      switch (kind) {
        case FAIL -> throw new IOException("injected failure: " + what);
        case FAIL_TRANSIENT -> throw new TransientBackendException("injected transient failure: "
            + what, null);
        case STALL -> stall(what);
        default -> {
          // truncate and corrupt act on the loaded data
        }
      }
    }

    private void stall(String what) throws IOException {
      try {
        if (!released.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          throw new TransientBackendException("injected stall timed out after " + timeout + ": "
              + what, null);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        InterruptedIOException io = new InterruptedIOException("interrupted while stalled: "
            + what);
        io.initCause(e);
        throw io;
      }
    }

    private byte[] damage(byte[] data) {
      if (kind == Kind.TRUNCATE || kind == Kind.SHORT_READ) {
        return Arrays.copyOf(data, Math.max(0, data.length - bytes));
      }
      if (kind == Kind.CORRUPT && data.length > 0) {
        byte[] copy = data.clone();
        copy[copy.length / 2] ^= 0x01;
        return copy;
      }
      return data;
    }
  }

  /** The first fault that fires on this call, after counting the call for every fault. */
  private Fault before(Op op, Handle h) throws IOException {
    return before(op, h.type(), h.name(), h.toString());
  }

  private Fault before(Op op, FileType type, String name, String what) throws IOException {
    calls.get(op).incrementAndGet();
    callsByType.get(type).get(op).incrementAndGet();
    Fault firing = null;
    for (Fault f : faults) {
      if (f.fires(op, type, name) && firing == null) {
        firing = f;
      }
    }
    if (firing != null) {
      firing.fireBefore(op.name().toLowerCase(Locale.ROOT) + " " + what);
    }
    return firing;
  }

  @Override
  public void save(Handle handle, List<ByteBuffer> parts) throws IOException {
    before(Op.SAVE, handle);
    inner.save(handle, parts);
  }

  @Override
  public byte[] load(Handle handle, long offset, int length) throws IOException {
    Fault f = before(Op.LOAD, handle);
    if (f != null && f.kind == Kind.TRUNCATE && length >= 0) {
      // A file stored shorter: as the Backend contract says, a range past its end is an error.
      long size = inner.stat(handle).orElse(0L) - f.bytes;
      if (offset + length > size) {
        throw new EOFException("injected truncation: " + handle + " has " + Math.max(0, size)
            + " bytes, " + (offset + length) + " were asked for");
      }
      return inner.load(handle, offset, length);
    }
    byte[] data = inner.load(handle, offset, length);
    return f == null ? data : f.damage(data);
  }

  @Override
  public Optional<Long> stat(Handle handle) throws IOException {
    before(Op.STAT, handle);
    return inner.stat(handle);
  }

  @Override
  public void list(FileType type, Consumer<FileInfo> consumer) throws IOException {
    before(Op.LIST, type, null, type.folder());
    inner.list(type, consumer);
  }

  @Override
  public void listFolder(FileType type, String folder, Consumer<FileInfo> consumer)
      throws IOException {
    before(Op.LIST, type, null, type.folder() + "/" + folder);
    inner.listFolder(type, folder, consumer);
  }

  @Override
  public void listTree(FileType type, Consumer<FileInfo> consumer) throws IOException {
    before(Op.LIST, type, null, type.folder());
    inner.listTree(type, consumer);
  }

  @Override
  public void delete(Handle handle) throws IOException {
    before(Op.DELETE, handle);
    inner.delete(handle);
  }

  @Override
  public void close() throws IOException {
    clearFaults();
    inner.close();
  }
}
