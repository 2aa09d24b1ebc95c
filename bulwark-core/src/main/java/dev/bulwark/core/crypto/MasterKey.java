package dev.bulwark.core.crypto;

import com.fasterxml.jackson.core.Base64Variants;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import dev.bulwark.core.CorruptionException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

/**
 * restic's master key: it seals and opens every encrypted object of a repository.
 *
 * <p>A sealed object is laid out as follows (reference/restic-format.md §2):
 *
 * <table>
 *   <caption>Sealed object layout</caption>
 *   <tr><th>offset</th><th>length</th><th>content</th></tr>
 *   <tr><td>0</td><td>16</td><td>IV: random, never all zero; CTR counter and MAC nonce</td></tr>
 *   <tr><td>16</td><td>n</td><td>AES-256-CTR ciphertext of the n plaintext bytes</td></tr>
 *   <tr><td>16+n</td><td>16</td><td>Poly1305-AES tag over the ciphertext only</td></tr>
 * </table>
 *
 * <p>The key is 32 bytes of AES-256 key plus the Poly1305-AES pair: {@code k}, an AES-128 key,
 * and {@code r}, 16 bytes clamped on every use. The same layout protects key files, where the
 * sealing key is the user key from {@link Kdf#deriveUserKey}.
 *
 * <p>Thread safety: {@code seal} and {@code open} may be called concurrently from any number of
 * threads; each thread reuses its own cipher engines. {@link #close()} must not race with them.
 * There is deliberately no {@code equals}, and {@code toString} shows no key bytes.
 */
public final class MasterKey implements AutoCloseable {
  /** Bytes a sealed object is longer than its plaintext: the IV plus the MAC. */
  public static final int OVERHEAD = 32;
  /** Length of the IV that starts every sealed object. */
  public static final int IV_LENGTH = 16;
  /** Length of the Poly1305-AES tag that ends every sealed object. */
  public static final int MAC_LENGTH = 16;

  static final int ENCRYPT_KEY_LENGTH = 32;
  static final int MAC_K_LENGTH = 16;
  static final int MAC_R_LENGTH = 16;
  static final int DERIVED_KEY_LENGTH = ENCRYPT_KEY_LENGTH + MAC_K_LENGTH + MAC_R_LENGTH;

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final JsonFactory JSON = new JsonFactory();

  private final byte[] encrypt;
  private final byte[] macK;
  private final byte[] macR;
  private final AesKey encryptKey;
  private final AesKey macKey;
  private volatile boolean closed;

  /** Takes ownership of the three arrays. */
  private MasterKey(byte[] encrypt, byte[] macK, byte[] macR) {
    this.encrypt = encrypt;
    this.macK = macK;
    this.macR = macR;
    this.encryptKey = new AesKey(encrypt);
    this.macKey = new AesKey(macK);
  }

  /**
   * A new random key, as {@code restic init} makes one. {@code r} is stored clamped, as restic
   * 0.14 writes it.
   */
  public static MasterKey generate() {
    byte[] encrypt = new byte[ENCRYPT_KEY_LENGTH];
    byte[] macK = new byte[MAC_K_LENGTH];
    byte[] macR = new byte[MAC_R_LENGTH];
    // restic refuses all-zero key parts as invalid; the retry is for form's sake (p = 2^-128).
    do {
      RANDOM.nextBytes(encrypt);
      RANDOM.nextBytes(macK);
      RANDOM.nextBytes(macR);
      Engines.clamp(macR);
    } while (isAllZero(encrypt, 0, encrypt.length)
        || isAllZero(macK, 0, macK.length)
        || isAllZero(macR, 0, macR.length));
    return new MasterKey(encrypt, macK, macR);
  }

  /**
   * The key made from 64 bytes of scrypt output: {@code dk[0:32]} is the AES-256 key,
   * {@code dk[32:48]} the MAC {@code k} and {@code dk[48:64]} the MAC {@code r}. The caller keeps
   * (and should wipe) {@code dk64}; this key holds copies.
   *
   * @throws IllegalArgumentException if {@code dk64} is not 64 bytes long
   */
  public static MasterKey fromDerivedKey(byte[] dk64) {
    if (dk64.length != DERIVED_KEY_LENGTH) {
      throw new IllegalArgumentException(
          "a derived key has " + DERIVED_KEY_LENGTH + " bytes, got " + dk64.length);
    }
    int k = ENCRYPT_KEY_LENGTH;
    int r = k + MAC_K_LENGTH;
    return new MasterKey(
        Arrays.copyOfRange(dk64, 0, k),
        Arrays.copyOfRange(dk64, k, r),
        Arrays.copyOfRange(dk64, r, DERIVED_KEY_LENGTH));
  }

  /** Seals all of {@code plaintext}; see {@link #seal(byte[], int, int)}. */
  public byte[] seal(byte[] plaintext) {
    return seal(plaintext, 0, plaintext.length);
  }

  /**
   * Encrypts and authenticates {@code plaintext[off, off+len)} under a fresh random IV.
   *
   * @return a new array of {@code len + OVERHEAD} bytes: IV, ciphertext, tag
   * @throws IndexOutOfBoundsException if the range does not fit the array
   * @throws IllegalArgumentException if the result would exceed the largest Java array
   * @throws IllegalStateException if this key is closed
   */
  public byte[] seal(byte[] plaintext, int off, int len) {
    Objects.checkFromIndexSize(off, len, plaintext.length);
    if (len > Integer.MAX_VALUE - OVERHEAD) {
      throw new IllegalArgumentException("too large to seal into one array: " + len + " bytes");
    }
    byte[] out = new byte[len + OVERHEAD];
    sealInto(plaintext, off, len, out, 0);
    return out;
  }

  /**
   * Seals {@code in[off, off+len)} straight into {@code out} at {@code outOff}, writing exactly
   * {@code len + OVERHEAD} bytes laid out as {@link #seal(byte[], int, int)} returns them. The
   * input and output ranges may overlap. Sealing in place is cheapest with the plaintext placed
   * {@link #IV_LENGTH} bytes into its slot ({@code outOff == off - IV_LENGTH}): the ciphertext
   * then lands exactly on the plaintext and JCE needs no internal copy.
   *
   * @return the number of bytes written, {@code len + OVERHEAD}
   * @throws IndexOutOfBoundsException if either range does not fit its array
   * @throws IllegalStateException if this key is closed
   */
  public int sealInto(byte[] in, int off, int len, byte[] out, int outOff) {
    Objects.checkFromIndexSize(off, len, in.length);
    Objects.checkFromIndexSize(outOff, len + OVERHEAD, out.length);
    checkOpen();
    byte[] iv = new byte[IV_LENGTH];
    do {
      RANDOM.nextBytes(iv);
    } while (isAllZero(iv, 0, IV_LENGTH)); // restic refuses an all-zero nonce
    Engines engines = Engines.forCurrentThread();
    int ctOff = outOff + IV_LENGTH;
    // Encrypt before writing the IV: with overlapping ranges the IV would clobber plaintext.
    engines.ctr(encryptKey, iv, in, off, len, out, ctOff);
    System.arraycopy(iv, 0, out, outOff, IV_LENGTH);
    engines.mac(macKey, macR, iv, out, ctOff, len, out, ctOff + len);
    return len + OVERHEAD;
  }

  /** Opens all of {@code sealed}; see {@link #open(byte[], int, int)}. */
  public byte[] open(byte[] sealed) throws UnauthenticatedException {
    return open(sealed, 0, sealed.length);
  }

  /**
   * Verifies and decrypts the sealed object {@code sealed[off, off+len)}. The MAC is checked in
   * constant time before anything is decrypted.
   *
   * @return the plaintext, {@code len - OVERHEAD} bytes
   * @throws UnauthenticatedException if the object is shorter than {@link #OVERHEAD}, has an
   *     all-zero IV (restic rejects those) or fails the MAC: sealed under another key or damaged
   * @throws IndexOutOfBoundsException if the range does not fit the array
   * @throws IllegalStateException if this key is closed
   */
  public byte[] open(byte[] sealed, int off, int len) throws UnauthenticatedException {
    Objects.checkFromIndexSize(off, len, sealed.length);
    checkOpen();
    if (len < OVERHEAD) {
      throw new UnauthenticatedException(
          "ciphertext verification failed: " + len + " bytes is shorter than the "
              + OVERHEAD + "-byte IV and MAC");
    }
    if (isAllZero(sealed, off, IV_LENGTH)) {
      throw new UnauthenticatedException("ciphertext verification failed: all-zero IV");
    }
    byte[] iv = Arrays.copyOfRange(sealed, off, off + IV_LENGTH);
    int ctOff = off + IV_LENGTH;
    int ctLen = len - OVERHEAD;
    Engines engines = Engines.forCurrentThread();
    byte[] tag = new byte[MAC_LENGTH];
    engines.mac(macKey, macR, iv, sealed, ctOff, ctLen, tag, 0);
    if (!tagsEqual(tag, sealed, ctOff + ctLen)) {
      throw new UnauthenticatedException();
    }
    byte[] plaintext = new byte[ctLen];
    engines.ctr(encryptKey, iv, sealed, ctOff, ctLen, plaintext, 0);
    return plaintext;
  }

  /**
   * A stream that seals what is written to it exactly as {@link #seal(byte[], int, int)} would
   * (fresh random IV, AES-256-CTR, Poly1305-AES), writing {@code IV || ciphertext} to {@code
   * sink} as it goes and the tag when closed; closing it closes {@code sink}. For objects too
   * large to hold in one array. The stream is not thread-safe.
   *
   * @param sink where the sealed object goes, {@link #OVERHEAD} bytes longer than the plaintext
   * @return the sealing stream
   * @throws IOException if the IV cannot be written to {@code sink}
   * @throws IllegalStateException if this key is closed
   */
  public OutputStream sealingStream(OutputStream sink) throws IOException {
    checkOpen();
    return new SealingStream(encryptKey, macKey, macR, freshIv(), sink);
  }

  /**
   * Verifies the tag of a sealed object over all of its ciphertext, then returns its plaintext
   * as a stream decrypted while read: nothing is decrypted before the whole object is
   * authenticated. The object is read twice, so it must not change meanwhile (see {@link
   * SealedBytes}). Memory use does not grow with the object's size.
   *
   * @param sealed the sealed object
   * @return its plaintext, {@code sealed.length() - OVERHEAD} bytes
   * @throws UnauthenticatedException as {@link #open(byte[], int, int)}
   * @throws IOException if {@code sealed} cannot be read
   * @throws IllegalStateException if this key is closed
   */
  public InputStream openStream(SealedBytes sealed) throws IOException, UnauthenticatedException {
    checkOpen();
    long len = sealed.length();
    if (len < OVERHEAD) {
      throw new UnauthenticatedException(
          "ciphertext verification failed: " + len + " bytes is shorter than the "
              + OVERHEAD + "-byte IV and MAC");
    }
    byte[] iv = new byte[IV_LENGTH];
    sealed.read(0, iv, 0, IV_LENGTH);
    if (isAllZero(iv, 0, IV_LENGTH)) {
      throw new UnauthenticatedException("ciphertext verification failed: all-zero IV");
    }
    StreamMac mac = new StreamMac(macKey, macR, iv);
    byte[] piece = new byte[(int) Math.min(64 * 1024, Math.max(1, len - OVERHEAD))];
    long end = len - MAC_LENGTH;
    for (long at = IV_LENGTH; at < end; ) {
      int n = (int) Math.min(piece.length, end - at);
      sealed.read(at, piece, 0, n);
      mac.update(piece, 0, n);
      at += n;
    }
    byte[] stored = new byte[MAC_LENGTH];
    sealed.read(end, stored, 0, MAC_LENGTH);
    if (!tagsEqual(mac.finish(), stored, 0)) {
      throw new UnauthenticatedException();
    }
    return new DecryptingStream(encryptKey, iv, sealed);
  }

  private static byte[] freshIv() {
    byte[] iv = new byte[IV_LENGTH];
    do {
      RANDOM.nextBytes(iv);
    } while (isAllZero(iv, 0, IV_LENGTH)); // restic refuses an all-zero nonce
    return iv;
  }

  /**
   * The key as restic stores it inside a key file's {@code data}: compact JSON
   * {@code {"mac":{"k":"…","r":"…"},"encrypt":"…"}} with standard padded base64, in that order.
   * The result holds raw key material: seal it and wipe it.
   *
   * @throws IllegalStateException if this key is closed
   */
  public byte[] toJson() {
    checkOpen();
    byte[][] parts = {
      ascii("{\"mac\":{\"k\":\""), Base64.getEncoder().encode(macK),
      ascii("\",\"r\":\""), Base64.getEncoder().encode(macR),
      ascii("\"},\"encrypt\":\""), Base64.getEncoder().encode(encrypt),
      ascii("\"}"),
    };
    int size = 0;
    for (byte[] part : parts) {
      size += part.length;
    }
    // Assembled as bytes, not a String, so every copy of the key text can be wiped.
    byte[] json = new byte[size];
    int at = 0;
    for (byte[] part : parts) {
      System.arraycopy(part, 0, json, at, part.length);
      at += part.length;
      Arrays.fill(part, (byte) 0);
    }
    return json;
  }

  /**
   * Parses the JSON {@link #toJson()} writes, as found inside restic key files. Unknown fields
   * are ignored, as restic does; {@code r} is kept as stored and clamped when used.
   *
   * @throws CorruptionException if the JSON is malformed, a field is missing, is not base64 or
   *     has the wrong length, or a key part is all zero (restic treats those as invalid)
   */
  public static MasterKey fromJson(byte[] json) throws CorruptionException {
    byte[][] parts = new byte[3][]; // encrypt, k, r
    boolean done = false;
    try (JsonParser p = JSON.createParser(json)) {
      expect(p, p.nextToken(), JsonToken.START_OBJECT, "master key");
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        if (name.equals("encrypt")) {
          parts[0] = replace(parts[0], binary(p, value, "encrypt", ENCRYPT_KEY_LENGTH));
        } else if (name.equals("mac")) {
          readMac(p, value, parts);
        } else {
          p.skipChildren();
        }
      }
      expect(p, p.currentToken(), JsonToken.END_OBJECT, "master key");
      if (p.nextToken() != null) {
        throw malformed("trailing data after the master key object", p);
      }
      String[] names = {"encrypt", "mac.k", "mac.r"};
      for (int i = 0; i < parts.length; i++) {
        if (parts[i] == null) {
          throw new CorruptionException("master key JSON lacks \"" + names[i] + "\"");
        }
        if (isAllZero(parts[i], 0, parts[i].length)) {
          throw new CorruptionException("master key \"" + names[i] + "\" is all zero");
        }
      }
      done = true;
      return new MasterKey(parts[0], parts[1], parts[2]);
    } catch (JsonProcessingException e) {
      // The cause is dropped on purpose: Jackson quotes the offending token, which here may be
      // key material, and exception messages end up in logs.
      throw malformed("not valid JSON", e.getLocation());
    } catch (IOException e) {
      throw new CorruptionException("master key JSON could not be read", e);
    } finally {
      if (!done) {
        for (byte[] part : parts) {
          if (part != null) {
            Arrays.fill(part, (byte) 0);
          }
        }
      }
    }
  }

  /**
   * Wipes the key bytes; later calls to {@code seal}, {@code open} or {@code toJson} throw
   * {@link IllegalStateException}. Idempotent. Copies JCE keeps inside the per-thread AES engines
   * (the last key schedule each thread used) are out of reach and remain until reused.
   */
  @Override
  public void close() {
    closed = true;
    encryptKey.destroy();
    macKey.destroy();
    Arrays.fill(macR, (byte) 0);
  }

  @Override
  public String toString() {
    return closed ? "MasterKey[closed]" : "MasterKey[AES-256-CTR, Poly1305-AES]";
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("master key is closed");
    }
  }

  private static void readMac(JsonParser p, JsonToken value, byte[][] parts)
      throws IOException, CorruptionException {
    expect(p, value, JsonToken.START_OBJECT, "\"mac\"");
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken field = p.nextToken();
      if (name.equals("k")) {
        parts[1] = replace(parts[1], binary(p, field, "mac.k", MAC_K_LENGTH));
      } else if (name.equals("r")) {
        parts[2] = replace(parts[2], binary(p, field, "mac.r", MAC_R_LENGTH));
      } else {
        p.skipChildren();
      }
    }
  }

  /** Decodes the base64 string the parser is on, straight from Jackson's buffer. */
  private static byte[] binary(JsonParser p, JsonToken token, String name, int length)
      throws IOException, CorruptionException {
    if (token != JsonToken.VALUE_STRING) {
      throw new CorruptionException("master key \"" + name + "\" is not a base64 string");
    }
    byte[] bytes;
    try {
      bytes = p.getBinaryValue(Base64Variants.MIME_NO_LINEFEEDS);
    } catch (JsonProcessingException e) {
      throw new CorruptionException("master key \"" + name + "\" is not valid base64");
    }
    if (bytes.length != length) {
      Arrays.fill(bytes, (byte) 0);
      throw new CorruptionException(
          "master key \"" + name + "\" has " + bytes.length + " bytes, expected " + length);
    }
    return bytes;
  }

  /** Go's decoder lets a repeated field win; wipe the loser. */
  private static byte[] replace(byte[] old, byte[] fresh) {
    if (old != null) {
      Arrays.fill(old, (byte) 0);
    }
    return fresh;
  }

  private static void expect(JsonParser p, JsonToken actual, JsonToken wanted, String what)
      throws CorruptionException {
    if (actual != wanted) {
      throw malformed(what + " is not a JSON object", p);
    }
  }

  private static CorruptionException malformed(String what, JsonParser p) {
    return malformed(what, p.currentLocation());
  }

  private static CorruptionException malformed(String what, JsonLocation at) {
    String where = at == null ? "" : " at column " + at.getColumnNr();
    return new CorruptionException("master key JSON is malformed: " + what + where);
  }

  /** Constant time: the loop never exits early on the first differing byte. */
  private static boolean tagsEqual(byte[] tag, byte[] sealed, int at) {
    int diff = 0;
    for (int i = 0; i < MAC_LENGTH; i++) {
      diff |= tag[i] ^ sealed[at + i];
    }
    return diff == 0;
  }

  private static boolean isAllZero(byte[] b, int off, int len) {
    int any = 0;
    for (int i = off; i < off + len; i++) {
      any |= b[i];
    }
    return any == 0;
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
