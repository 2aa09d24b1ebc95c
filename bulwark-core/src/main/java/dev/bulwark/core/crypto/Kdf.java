package dev.bulwark.core.crypto;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import org.bouncycastle.crypto.generators.SCrypt;

/**
 * Derives the user key that opens a restic key file: scrypt of the password and the key file's
 * 64-byte salt, split as {@link MasterKey#fromDerivedKey} describes.
 *
 * <p>Thread safe; every method is a pure function apart from {@link #newSalt()}'s randomness.
 */
public final class Kdf {
  /** The length of a key file's salt in bytes, as restic writes and requires it. */
  public static final int SALT_LENGTH = 64;
  private static final SecureRandom RANDOM = new SecureRandom();

  private Kdf() {}

  /**
   * scrypt cost parameters as stored in a key file ({@code N}, {@code r}, {@code p}), validated
   * like restic does before deriving: N a power of two greater than 1 (restic's parameter check
   * asks for N even and > 1, and its scrypt then refuses anything but a power of two), r ≥ 1,
   * p ≥ 1 and {@code r·p < 2^30}.
   *
   * @param n CPU/memory cost; memory use is about 128·N·r bytes
   * @param r block size
   * @param p parallelism; restic raises it to make derivation take about half a second
   */
  public record Params(int n, int r, int p) {
    /**
     * restic's starting point (N = 2^15, r = 8, p = 1), the cheapest parameters it writes; new
     * keys use {@link #calibrated()}, which is usually dearer.
     */
    public static final Params DEFAULT = new Params(32768, 8, 1);

    /**
     * Parameters for new key files, calibrated as restic does (simple-scrypt's Calibrate):
     * N as large as 60 MiB of memory and about half a second allow, then p raised until one
     * derivation takes about half a second. Measured once per process.
     *
     * @return the parameters, the same for every call in this process
     */
    public static Params calibrated() {
      return Calibration.PARAMS;
    }

    /**
     * Fails unless one derivation with these parameters stays within what a hostile key file
     * may ask of us: at most 1 GiB and less than the free heap, p at most {@value #MAX_P}, and
     * N·r·p at most 2^{@value #MAX_COST_LOG2} (a few hundred times restic's calibrated cost).
     *
     * @throws IllegalArgumentException naming the limit exceeded
     */
    public void requireAffordable() {
      long memory = 128L * n * r;
      Runtime rt = Runtime.getRuntime();
      long freeHeap = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
      if (memory > 1L << 30 || memory >= freeHeap) {
        throw new IllegalArgumentException("scrypt N=" + n + " r=" + r + " needs "
            + (memory >> 20) + " MiB of memory, more than allowed (1 GiB, and "
            + (freeHeap >> 20) + " MiB of heap are free)");
      }
      if (p > MAX_P) {
        throw new IllegalArgumentException("scrypt p=" + p + " is above the limit of " + MAX_P);
      }
      if ((long) n * r * p > 1L << MAX_COST_LOG2) {
        throw new IllegalArgumentException("scrypt N=" + n + " r=" + r + " p=" + p
            + " would take minutes to derive (N*r*p above 2^" + MAX_COST_LOG2 + ")");
      }
    }

    /** The largest p a key file may ask for. */
    public static final int MAX_P = 1024;
    /** log2 of the largest N·r·p a key file may ask for. */
    public static final int MAX_COST_LOG2 = 26;

    /**
     * @throws IllegalArgumentException if restic would refuse these parameters
     *
     * @param n the CPU and memory cost, a power of two
     * @param r the block size
     * @param p the parallelism
     */
    public Params {
      if (n <= 1 || (n & (n - 1)) != 0) {
        throw new IllegalArgumentException("scrypt N must be a power of two above 1, got " + n);
      }
      if (r < 1) {
        throw new IllegalArgumentException("scrypt r must be at least 1, got " + r);
      }
      if (p < 1) {
        throw new IllegalArgumentException("scrypt p must be at least 1, got " + p);
      }
      if ((long) r * p >= 1L << 30) {
        throw new IllegalArgumentException("scrypt r*p must be below 2^30, got " + r + "*" + p);
      }
    }
  }

  /**
   * scrypt({@code password}, {@code salt}, N, r, p) to 64 bytes, made into a key; the derived
   * bytes are wiped before returning. Takes about a second at restic's usual parameters.
   *
   * @param password the password's bytes, see {@link #passwordBytes(char[])}; not modified
   * @param salt the key file's salt, exactly 64 bytes as restic requires
   * @param n scrypt N from the key file, see {@link Params}
   * @param r scrypt r from the key file
   * @param p scrypt p from the key file
   * @return the user key; the caller closes it
   * @throws IllegalArgumentException if the salt is not 64 bytes, the parameters fail
   *     {@link Params} validation, or they need more memory than one Java array can hold
   */
  public static MasterKey deriveUserKey(byte[] password, byte[] salt, int n, int r, int p) {
    Params params = new Params(n, r, p);
    params.requireAffordable();
    if (salt.length != SALT_LENGTH) {
      throw new IllegalArgumentException(
          "restic key salts have " + SALT_LENGTH + " bytes, got " + salt.length);
    }
    // Bouncy Castle keeps the scrypt scratch space in one int[32·N·r].
    if (32L * params.n() * params.r() > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(
          "scrypt N=" + n + " r=" + r + " needs more memory than a Java array holds");
    }
    byte[] dk = SCrypt.generate(password, salt, params.n(), params.r(), params.p(),
        MasterKey.DERIVED_KEY_LENGTH);
    try {
      return MasterKey.fromDerivedKey(dk);
    } finally {
      Arrays.fill(dk, (byte) 0);
    }
  }

  /**
   * 64 fresh random bytes for a new key file.
   *
   * @return the salt
   */
  public static byte[] newSalt() {
    byte[] salt = new byte[SALT_LENGTH];
    RANDOM.nextBytes(salt);
    return salt;
  }

  /**
   * The password in a password file as bytes, read exactly as restic reads it (a byte order
   * mark dropped, UTF-16 converted, Go's {@code strings.TrimSpace}; see {@link PasswordText}):
   * the same file must open the repository with both tools. Bytes that are not UTF-8 are kept.
   * The caller zeroes the result.
   *
   * @param file the password file
   * @return the password's bytes, in a new array
   * @throws java.io.IOException if the file cannot be read
   */
  public static byte[] readPasswordFile(java.nio.file.Path file) throws java.io.IOException {
    byte[] raw = java.nio.file.Files.readAllBytes(file);
    try {
      return PasswordText.fromFile(raw);
    } finally {
      Arrays.fill(raw, (byte) 0);
    }
  }

  /**
   * The UTF-8 bytes of {@code pw}, the form restic hashes, without passing through a
   * {@code String} that could not be wiped. The caller still owns (and should wipe) both arrays.
   * Whitespace is kept: trimming a password read from a file is the caller's job, as in restic.
   *
   * @param pw the password's characters
   * @return the password in UTF-8, as a new array
   * @throws IllegalArgumentException if {@code pw} holds an unpaired surrogate, which has no
   *     UTF-8 form
   */
  public static byte[] passwordBytes(char[] pw) {
    ByteBuffer encoded;
    try {
      encoded = StandardCharsets.UTF_8.newEncoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .encode(CharBuffer.wrap(pw));
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("password is not valid Unicode (unpaired surrogate)", e);
    }
    byte[] bytes = new byte[encoded.remaining()];
    encoded.get(bytes);
    if (encoded.hasArray()) {
      Arrays.fill(encoded.array(), (byte) 0);
    }
    return bytes;
  }
}
