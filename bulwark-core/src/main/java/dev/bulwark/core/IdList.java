package dev.bulwark.core;

import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.RandomAccess;

/**
 * An immutable list of ids held as their raw bytes, 32 bytes each in pages, instead of one
 * {@link Id} object per element (about 80 bytes with its array and the list's slot). A file's
 * content list has one id per chunk, so a large file at small chunks has hundreds of thousands:
 * this keeps them at 32 bytes each. {@link #get} makes a new {@code Id} on every call.
 *
 * <p>Built with {@link #builder()}; equal to any list holding the same ids in the same order.
 */
public final class IdList extends AbstractList<Id> implements RandomAccess {
  private static final IdList EMPTY = new IdList(new byte[0][], 0);
  // 32 Ki ids (1 MiB) per page: no page is a humongous allocation for long, and appending
  // never copies what is already stored.
  private static final int PAGE_SHIFT = 15;
  private static final int PAGE_IDS = 1 << PAGE_SHIFT;

  private final byte[][] pages;
  private final int size;

  private IdList(byte[][] pages, int size) {
    this.pages = pages;
    this.size = size;
  }

  /**
   * The empty list.
   *
   * @return an empty list, shared
   */
  public static IdList empty() {
    return EMPTY;
  }

  /**
   * A compact copy of {@code ids}, or {@code ids} itself when it is already an IdList.
   *
   * @param ids the ids to copy
   * @return an unmodifiable list holding the same ids in the same order
   * @throws NullPointerException if {@code ids} is or holds null
   */
  public static IdList copyOf(List<Id> ids) {
    if (ids instanceof IdList l) {
      return l;
    }
    Builder b = builder();
    for (Id id : ids) {
      b.add(id);
    }
    return b.build();
  }

  /**
   * A builder that appends ids in order.
   *
   * @return a new, empty builder
   */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public Id get(int index) {
    if (index < 0 || index >= size) {
      throw new IndexOutOfBoundsException("index " + index + " of " + size + " ids");
    }
    byte[] page = pages[index >>> PAGE_SHIFT];
    int off = (index & (PAGE_IDS - 1)) * Id.LENGTH;
    return Id.of(Arrays.copyOfRange(page, off, off + Id.LENGTH));
  }

  @Override
  public int size() {
    return size;
  }

  /** Appends ids one at a time; {@link #build} hands them over without copying. Not thread-safe. */
  public static final class Builder {
    private final List<byte[]> pages = new ArrayList<>();
    private byte[] page;
    private int size;
    private boolean built;

    private Builder() {}

    /**
     * Appends one id.
     *
     * @param id the id to append
     * @return this builder
     * @throws NullPointerException if {@code id} is null
     * @throws IllegalStateException after {@link #build}
     */
    public Builder add(Id id) {
      if (id == null) {
        throw new NullPointerException("an id list holds no null");
      }
      if (built) {
        throw new IllegalStateException("this id list was already built");
      }
      int inPage = size & (PAGE_IDS - 1);
      if (inPage == 0) {
        // Grows a page as it fills, so a short list (the common case) stays small.
        page = new byte[Id.LENGTH * 4];
        pages.add(page);
      } else if (inPage * Id.LENGTH == page.length) {
        page = Arrays.copyOf(page, Math.min(page.length * 2, PAGE_IDS * Id.LENGTH));
        pages.set(pages.size() - 1, page);
      }
      id.copyTo(page, inPage * Id.LENGTH);
      size++;
      return this;
    }

    /**
     * Number of ids added so far.
     *
     * @return how many ids the list would hold now
     */
    public int size() {
      return size;
    }

    /**
     * The list of every id added; the builder cannot be used afterwards.
     *
     * @return an unmodifiable list of the ids, in the order they were added
     */
    public IdList build() {
      built = true;
      return size == 0 ? EMPTY : new IdList(pages.toArray(new byte[0][]), size);
    }
  }
}
