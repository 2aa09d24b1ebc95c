package dev.bulwark.core.stream;

import dev.bulwark.core.CorruptionException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Properties;

/**
 * One replicator's claim on a stream's lease, as stored (sealed) under {@code
 * bulwark/leases/<database-id>/<epoch>-<holder>}: who holds it (a random holder id, host, pid),
 * the epoch it holds, how long it lasts without renewal, whether it was released, and a
 * renewal count that changes with every renewal, so that an observer sees the holder is alive
 * without comparing clocks. {@code written} is the holder's wall clock, for people only.
 *
 * @param holder random per replicator, 16 hex digits
 * @param host the holder's host name
 * @param pid the holder's process id
 * @param epoch grows with every takeover; segments and snapshots carry it
 * @param expiry how long the claim lasts after its last renewal
 * @param released true once the holder let go (closed): the next claimant need not wait
 * @param renewal how many times it was renewed
 * @param written when the holder wrote it, by the holder's clock
 */
public record LeaseClaim(String holder, String host, long pid, long epoch, Duration expiry,
    boolean released, long renewal, Instant written) {
  public LeaseClaim {
    if (holder == null || !holder.matches("[0-9a-f]{16}")) {
      throw new IllegalArgumentException("holder id must be 16 hex digits: " + holder);
    }
    if (epoch < 1) {
      throw new IllegalArgumentException("epoch must be positive: " + epoch);
    }
    if (expiry.isNegative() || expiry.isZero()) {
      throw new IllegalArgumentException("expiry must be positive: " + expiry);
    }
    host = host.replaceAll("[\\p{Cntrl}]", "?");
  }

  /** The file name of this claim in its stream's lease folder; names sort by epoch. */
  public String fileName() {
    return fileName(epoch, holder);
  }

  static String fileName(long epoch, String holder) {
    return String.format("%016x-%s", epoch, holder);
  }

  /** True if {@code name} is a claim's file name. */
  static boolean isClaimName(String name) {
    return name.matches("[0-9a-f]{16}-[0-9a-f]{16}");
  }

  /** The epoch in a claim's file name. */
  static long epochOf(String name) {
    return Long.parseUnsignedLong(name.substring(0, 16), 16);
  }

  /** This claim renewed once more, written now. */
  LeaseClaim renewed(Instant now) {
    return new LeaseClaim(holder, host, pid, epoch, expiry, false, renewal + 1, now);
  }

  /** This claim let go. */
  LeaseClaim releasedAt(Instant now) {
    return new LeaseClaim(holder, host, pid, epoch, expiry, true, renewal + 1, now);
  }

  /** "host H pid P (epoch E)", for messages. */
  public String describe() {
    return "host " + host + " pid " + pid + " (epoch " + epoch + ")";
  }

  /** The plaintext of its file (before sealing). */
  public byte[] encode() {
    Properties p = new Properties();
    p.setProperty("holder", holder);
    p.setProperty("host", host);
    p.setProperty("pid", Long.toString(pid));
    p.setProperty("epoch", Long.toString(epoch));
    p.setProperty("expiry-ms", Long.toString(expiry.toMillis()));
    p.setProperty("released", Boolean.toString(released));
    p.setProperty("renewal", Long.toString(renewal));
    p.setProperty("written", written.toString());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      p.store(out, "bulwark stream lease");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /**
   * Reads a claim from the plaintext of its file.
   *
   * @throws CorruptionException naming {@code what} if it is not a valid claim
   */
  public static LeaseClaim decode(byte[] plain, String what) throws CorruptionException {
    Properties p = new Properties();
    try {
      p.load(new StringReader(new String(plain, StandardCharsets.ISO_8859_1)));
      return new LeaseClaim(p.getProperty("holder"), required(p, "host"),
          Long.parseLong(required(p, "pid")), Long.parseLong(required(p, "epoch")),
          Duration.ofMillis(Long.parseLong(required(p, "expiry-ms"))),
          Boolean.parseBoolean(required(p, "released")),
          Long.parseLong(required(p, "renewal")), Instant.parse(required(p, "written")));
    } catch (IOException | IllegalArgumentException | DateTimeParseException e) {
      throw new CorruptionException(what + ": not a valid lease claim: " + e.getMessage(), e);
    }
  }

  private static String required(Properties p, String key) {
    String v = p.getProperty(key);
    if (v == null) {
      throw new IllegalArgumentException("missing " + key);
    }
    return v;
  }
}
