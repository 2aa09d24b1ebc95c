package dev.bulwark.core.crypto;

import java.io.IOException;

/**
 * A sealed object read by position, for {@link MasterKey#openStream}: it is read twice, once
 * to authenticate and once to decrypt, so it must not change in between (a file only this
 * process writes, or an array).
 */
public interface SealedBytes {
  /**
   * The object's length in bytes, IV and tag included.
   *
   * @return the length
   */
  long length();

  /**
   * Reads exactly {@code len} bytes at {@code position} into {@code b[off, off+len)}.
   *
   * @param position where to start, from the start of the object
   * @param b where to put the bytes
   * @param off where in {@code b}
   * @param len how many bytes
   * @throws IOException if they cannot be read, or the object ends before them
   */
  void read(long position, byte[] b, int off, int len) throws IOException;

  /**
   * The range {@code [off, off+len)} of an array.
   *
   * @param b the array, which must not change while the object is read
   * @param off where the object starts
   * @param len its length
   * @return the object
   */
  static SealedBytes of(byte[] b, int off, int len) {
    java.util.Objects.checkFromIndexSize(off, len, b.length);
    return new SealedBytes() {
      @Override
      public long length() {
        return len;
      }

      @Override
      public void read(long position, byte[] dst, int dstOff, int n) {
        java.util.Objects.checkFromIndexSize(position, n, len);
        System.arraycopy(b, off + (int) position, dst, dstOff, n);
      }
    };
  }
}
