package dev.bulwark.core.tree;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The name of a tree node as the bytes the file system holds, which need not be UTF-8 (a Linux
 * file name is any bytes but {@code /} and NUL). restic keeps names as bytes, and so must we: a
 * name decoded to a Java string loses every byte the JVM's file-name encoding cannot decode.
 *
 * <p>Ordered as Go orders strings (unsigned bytes), the order of nodes in a tree. Immutable.
 */
public final class FileName implements Comparable<FileName> {
  private final byte[] bytes;

  private FileName(byte[] bytes) {
    this.bytes = bytes;
  }

  /**
   * A name of exactly these bytes.
   *
   * @throws IllegalArgumentException if empty or containing {@code /}
   */
  public static FileName of(byte[] bytes) {
    if (bytes.length == 0) {
      throw new IllegalArgumentException("node name is empty");
    }
    for (byte b : bytes) {
      if (b == '/') {
        throw new IllegalArgumentException(
            "node name contains '/': " + GoQuote.quote(bytes));
      }
    }
    return new FileName(bytes.clone());
  }

  /**
   * The UTF-8 bytes of {@code name}.
   *
   * @throws IllegalArgumentException if empty, containing {@code /} or an unpaired surrogate
   *     (which has no UTF-8 form)
   */
  public static FileName of(String name) {
    if (name == null) {
      throw new NullPointerException("node name is null");
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < name.length()
          && Character.isLowSurrogate(name.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        throw new IllegalArgumentException("node name has an unpaired surrogate at " + i);
      }
    }
    return of(name.getBytes(StandardCharsets.UTF_8));
  }

  /** A copy of the bytes. */
  public byte[] bytes() {
    return bytes.clone();
  }

  /** Number of bytes. */
  public int length() {
    return bytes.length;
  }

  /** Whether the bytes are valid UTF-8 (so {@link #toString()} is the name itself). */
  public boolean isUtf8() {
    return Utf8.isValid(bytes);
  }

  /** Whether the name is exactly {@code s}'s UTF-8 bytes. */
  public boolean is(String s) {
    return Arrays.equals(bytes, s.getBytes(StandardCharsets.UTF_8));
  }

  /** Go's quoting of the bytes without the quotes, as the tree JSON holds it. */
  public String quoted() {
    return GoQuote.quote(bytes);
  }

  /**
   * The name for display and path matching: the text if the bytes are UTF-8, else Go's quoted
   * form (every byte kept, so two different names never display alike).
   */
  @Override
  public String toString() {
    return isUtf8() ? new String(bytes, StandardCharsets.UTF_8) : quoted();
  }

  @Override
  public int compareTo(FileName o) {
    return Arrays.compareUnsigned(bytes, o.bytes);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FileName f && Arrays.equals(bytes, f.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }
}
