package dev.bulwark.s3;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;

/**
 * Reads a list of buffers one after the other, through duplicates: the SDK asks for a fresh
 * stream at every attempt of a request, and each must start again from the first byte.
 */
final class PartsInputStream extends InputStream {
  private final List<ByteBuffer> parts;
  private int next;
  private ByteBuffer current;

  PartsInputStream(List<ByteBuffer> parts) {
    this.parts = parts;
  }

  @Override
  public int read() {
    ByteBuffer b = current();
    return b == null ? -1 : b.get() & 0xff;
  }

  @Override
  public int read(byte[] dst, int off, int len) {
    Objects.checkFromIndexSize(off, len, dst.length);
    if (len == 0) {
      return 0;
    }
    ByteBuffer b = current();
    if (b == null) {
      return -1;
    }
    int n = Math.min(len, b.remaining());
    b.get(dst, off, n);
    return n;
  }

  @Override
  public int available() {
    ByteBuffer b = current();
    return b == null ? 0 : b.remaining();
  }

  /** The buffer with bytes left to read, or null at the end. */
  private ByteBuffer current() {
    while (current == null || !current.hasRemaining()) {
      if (next == parts.size()) {
        return null;
      }
      current = parts.get(next++).duplicate();
    }
    return current;
  }
}
