package dev.bulwark.core.crypto;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.crypto.params.KeyParameter;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Our 64-bit-limb Poly1305 against Bouncy Castle's (26-bit limbs), the MAC every blob pays for
 * on save and restore. The claim checked is bench/RESULTS.md's "2.7x Bouncy Castle on 1 MiB
 * messages". It lives in our crypto package because {@link Poly1305} is package-private; the
 * key is a raw r || s, as both classes take it (restic's AES step for s is not measured).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class Poly1305Benchmark {
  @Param({"1048576", "65536"})
  int size;

  private byte[] key;
  private byte[] message;
  private final byte[] tag = new byte[16];
  private final Poly1305 ours = new Poly1305();
  private final org.bouncycastle.crypto.macs.Poly1305 bouncyCastle =
      new org.bouncycastle.crypto.macs.Poly1305();

  @Setup
  public void generate() {
    SplittableRandom rnd = new SplittableRandom(1305);
    key = new byte[32];
    rnd.nextBytes(key);
    message = new byte[size];
    rnd.nextBytes(message);
  }

  /** Returns the tag so that the JIT cannot drop the work. */
  @Benchmark
  public byte[] ours() {
    ours.init(key, 0);
    ours.update(message, 0, message.length);
    ours.finish(tag, 0);
    return tag;
  }

  @Benchmark
  public byte[] bouncyCastle() {
    bouncyCastle.init(new KeyParameter(key));
    bouncyCastle.update(message, 0, message.length);
    bouncyCastle.doFinal(tag, 0);
    return tag;
  }
}
