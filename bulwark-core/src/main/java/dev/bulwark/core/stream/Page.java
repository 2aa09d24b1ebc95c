package dev.bulwark.core.stream;

import java.util.Arrays;

/** One database page as a segment carries it: its 1-based number and its bytes. */
public record Page(long number, byte[] bytes) {
  public Page {
    if (number < 1 || number > Segment.MAX_PAGE_NUMBER) {
      throw new IllegalArgumentException("page number out of range: " + number);
    }
    if (bytes == null) {
      throw new IllegalArgumentException("page bytes are required");
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Page p && p.number == number && Arrays.equals(p.bytes, bytes);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(number) * 31 + Arrays.hashCode(bytes);
  }

  @Override
  public String toString() {
    return "Page[" + number + ", " + bytes.length + " bytes]";
  }
}
