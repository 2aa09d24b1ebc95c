package dev.bulwark.core;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * A 32-byte identifier: the SHA-256 of a blob's plaintext or of a stored file's bytes.
 *
 * <p>Holds a private copy of its bytes, so it is immutable and safe to share; equality is by
 * value. Its text form is 64 lower-case hex characters, as restic writes it.
 */
public final class Id implements Comparable<Id> {
  /** Length of an id in bytes. */
  public static final int LENGTH = 32;

  private static final HexFormat HEX = HexFormat.of();
  private final byte[] bytes;
  private final int hash;

  private Id(byte[] bytes) {
    this.bytes = bytes;
    this.hash = Arrays.hashCode(bytes);
  }

  /**
   * Wraps a copy of {@code bytes}, which must be exactly 32 bytes long.
   *
   * @param bytes the id's 32 bytes, e.g. a SHA-256 digest
   * @return the id
   */
  public static Id of(byte[] bytes) {
    if (bytes.length != LENGTH) {
      throw new IllegalArgumentException("an id has 32 bytes, got " + bytes.length);
    }
    return new Id(bytes.clone());
  }

  /**
   * Parses 64 hex characters.
   *
   * @param hex the id as restic writes it, e.g. in file names and JSON
   * @return the id
   * @throws IllegalArgumentException if {@code hex} is not a 64-character hex string
   */
  public static Id parse(String hex) {
    if (hex == null || hex.length() != 2 * LENGTH) {
      throw new IllegalArgumentException("not an id (64 hex characters expected): " + hex);
    }
    try {
      return new Id(HEX.parseHex(hex.toLowerCase(java.util.Locale.ROOT)));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("not an id (64 hex characters expected): " + hex, e);
    }
  }

  /**
   * True if {@code s} is a well-formed id, as a file name in the repository must be.
   *
   * @param s a candidate id, e.g. a file name
   * @return true if {@code s} is 64 lower-case hex characters
   */
  public static boolean isValid(String s) {
    if (s == null || s.length() != 2 * LENGTH) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }

  /**
   * SHA-256 of {@code data[off, off+len)}.
   *
   * @param data the bytes to hash
   * @param off where the range starts in {@code data}
   * @param len how many bytes to hash
   * @return the range's SHA-256, as an id
   */
  public static Id hash(byte[] data, int off, int len) {
    MessageDigest md = sha256();
    md.update(data, off, len);
    return new Id(md.digest());
  }

  /**
   * SHA-256 of all of {@code data}.
   *
   * @param data the bytes to hash
   * @return the SHA-256 of {@code data}, as an id
   */
  public static Id hash(byte[] data) {
    return hash(data, 0, data.length);
  }

  /**
   * A fresh SHA-256 digest; the JDK guarantees the algorithm exists.
   *
   * @return a new digest, for hashing a stream piece by piece
   */
  public static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }

  /**
   * A copy of the 32 bytes.
   *
   * @return the id's bytes; changing them does not change the id
   */
  public byte[] bytes() {
    return bytes.clone();
  }

  /**
   * Writes the 32 bytes into {@code dst} at {@code off}.
   *
   * @param dst the array to write into
   * @param off where to write, with 32 bytes of room after it
   */
  public void copyTo(byte[] dst, int off) {
    System.arraycopy(bytes, 0, dst, off, LENGTH);
  }

  /**
   * True for the all-zero id, which restic treats as "no id".
   *
   * @return true if every byte is zero
   */
  public boolean isNull() {
    for (byte b : bytes) {
      if (b != 0) {
        return false;
      }
    }
    return true;
  }

  /**
   * The first 8 hex characters, as restic shows ids in tables.
   *
   * @return the short form, for tables and messages
   */
  public String shortForm() {
    return toString().substring(0, 8);
  }

  @Override
  public String toString() {
    return HEX.formatHex(bytes);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Id other && hash == other.hash && Arrays.equals(bytes, other.bytes);
  }

  @Override
  public int hashCode() {
    return hash;
  }

  @Override
  public int compareTo(Id o) {
    return Arrays.compareUnsigned(bytes, o.bytes);
  }
}
