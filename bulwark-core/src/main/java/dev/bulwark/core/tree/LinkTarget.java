package dev.bulwark.core.tree;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A symlink's target as the bytes the file system holds, not necessarily UTF-8. In a tree it is
 * written as {@code linktarget} (with U+FFFD for bytes that are not UTF-8, as restic 0.14 writes
 * it) and, when not UTF-8, also as {@code linktarget_raw} (base64 of the bytes, as restic 0.16
 * and later), which a reader prefers. Immutable.
 */
public final class LinkTarget {
  private final byte[] bytes;

  private LinkTarget(byte[] bytes) {
    this.bytes = bytes;
  }

  /**
   * A target of exactly these bytes.
   *
   * @throws IllegalArgumentException if empty
   */
  public static LinkTarget of(byte[] bytes) {
    if (bytes.length == 0) {
      throw new IllegalArgumentException("symlink target is empty");
    }
    return new LinkTarget(bytes.clone());
  }

  /** The UTF-8 bytes of {@code target}. */
  public static LinkTarget of(String target) {
    return of(GoQuote.utf8(target));
  }

  /** A copy of the bytes. */
  public byte[] bytes() {
    return bytes.clone();
  }

  /** Whether the bytes are valid UTF-8. */
  public boolean isUtf8() {
    return Utf8.isValid(bytes);
  }

  /**
   * The target as restic 0.14 writes it in JSON: each byte that is not part of valid UTF-8 is an
   * unpaired surrogate here, which {@link GoJson#appendString} writes as {@code \ufffd}, as Go's
   * encoder does.
   */
  String forGoJson() {
    return Utf8.decodeMarkingInvalid(bytes);
  }

  /** The text if UTF-8, else Go's quoted form of the bytes. */
  @Override
  public String toString() {
    return isUtf8() ? new String(bytes, StandardCharsets.UTF_8) : GoQuote.quote(bytes);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LinkTarget t && Arrays.equals(bytes, t.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }
}
