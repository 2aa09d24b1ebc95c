package dev.bulwark.core.index;

import dev.bulwark.core.BlobType;
import dev.bulwark.core.Id;
import dev.bulwark.core.pack.PackedBlob;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Blob locations in primitive arrays: entries (id, type, pack number, offset, lengths; 53 bytes)
 * appended to fixed pages, found through an open-addressing table of entry numbers (linear
 * probing, at most 3/4 full). No object per blob, and growing never copies the entries. Pack
 * ids are numbered once each. Not thread-safe: {@link Index} guards it.
 */
final class BlobTable {
  private static final int PAGE_SHIFT = 13;
  private static final int PAGE = 1 << PAGE_SHIFT;
  private static final BlobType[] TYPES = BlobType.values();

  private final List<Id> packs;
  private final Map<Id, Integer> packNumbers;
  private final List<Page> pages;
  // Entry number + 1 per slot; 0 is an empty slot.
  private int[] slots;
  private int size;
  private long plaintextBytes;

  BlobTable() {
    packs = new ArrayList<>();
    packNumbers = new HashMap<>();
    pages = new ArrayList<>();
    slots = new int[1024];
  }

  private BlobTable(BlobTable from) {
    packs = new ArrayList<>(from.packs);
    packNumbers = new HashMap<>(from.packNumbers);
    pages = new ArrayList<>(from.pages.size());
    for (Page p : from.pages) {
      pages.add(p.copy());
    }
    slots = from.slots.clone();
    size = from.size;
    plaintextBytes = from.plaintextBytes;
  }

  /** A deep copy that shares nothing mutable with this table. */
  BlobTable copy() {
    return new BlobTable(this);
  }

  /** The number of {@code pack}, numbering it if it is new. */
  int packNumber(Id pack) {
    Integer n = packNumbers.get(pack);
    if (n == null) {
      n = packs.size();
      packs.add(pack);
      packNumbers.put(pack, n);
    }
    return n;
  }

  /** Adds a blob unless one of its type and id is already known. */
  void putIfAbsent(int packNumber, PackedBlob b) {
    byte[] key = new byte[Id.LENGTH];
    b.id().copyTo(key, 0);
    int mask = slots.length - 1;
    for (int s = hash(b.type(), b.id()) & mask; ; s = (s + 1) & mask) {
      int e = slots[s] - 1;
      if (e < 0) {
        break;
      }
      if (matches(e, b.type(), key)) {
        return;
      }
    }
    if (size == Integer.MAX_VALUE - 1) {
      throw new IllegalStateException("an index holds at most " + (Integer.MAX_VALUE - 1)
          + " blobs");
    }
    int e = size;
    if ((e & (PAGE - 1)) == 0) {
      pages.add(new Page());
    }
    pages.get(e >>> PAGE_SHIFT).set(e & (PAGE - 1), packNumber, b, key);
    size++;
    plaintextBytes += b.plaintextLength();
    if ((long) size * 4 > (long) slots.length * 3) {
      rehash(slots.length * 2);
    } else {
      insertSlot(e, slots);
    }
  }

  BlobLocation find(BlobType type, Id id) {
    int e = entry(type, id);
    if (e < 0) {
      return null;
    }
    Page p = pages.get(e >>> PAGE_SHIFT);
    int i = e & (PAGE - 1);
    return new BlobLocation(packs.get(p.packs[i]),
        new PackedBlob(type, id, p.offsets[i], p.lengths[i], p.uncompressed[i]));
  }

  boolean has(BlobType type, Id id) {
    return entry(type, id) >= 0;
  }

  int size() {
    return size;
  }

  long plaintextBytes() {
    return plaintextBytes;
  }

  private int entry(BlobType type, Id id) {
    byte[] key = new byte[Id.LENGTH];
    id.copyTo(key, 0);
    int mask = slots.length - 1;
    for (int s = hash(type, id) & mask; ; s = (s + 1) & mask) {
      int e = slots[s] - 1;
      if (e < 0) {
        return -1;
      }
      if (matches(e, type, key)) {
        return e;
      }
    }
  }

  private boolean matches(int e, BlobType type, byte[] key) {
    Page p = pages.get(e >>> PAGE_SHIFT);
    int i = e & (PAGE - 1);
    return p.types[i] == type.ordinal()
        && Arrays.equals(p.ids, i * Id.LENGTH, (i + 1) * Id.LENGTH, key, 0, Id.LENGTH);
  }

  private void rehash(int capacity) {
    int[] fresh = new int[capacity];
    for (int e = 0; e < size; e++) {
      insertSlot(e, fresh);
    }
    slots = fresh;
  }

  private void insertSlot(int e, int[] table) {
    Page p = pages.get(e >>> PAGE_SHIFT);
    int i = e & (PAGE - 1);
    int mask = table.length - 1;
    int s = hash(TYPES[p.types[i]], p.ids, i * Id.LENGTH) & mask;
    while (table[s] != 0) {
      s = (s + 1) & mask;
    }
    table[s] = e + 1;
  }

  private static int hash(BlobType type, Id id) {
    byte[] b = new byte[Id.LENGTH];
    id.copyTo(b, 0);
    return hash(type, b, 0);
  }

  // Ids are SHA-256 output, so their first bytes are already uniform.
  private static int hash(BlobType type, byte[] b, int off) {
    int h = (b[off] & 0xff) << 24 | (b[off + 1] & 0xff) << 16 | (b[off + 2] & 0xff) << 8
        | (b[off + 3] & 0xff);
    return h ^ type.ordinal() * 0x9E3779B9;
  }

  /** One page of entries, in parallel arrays. */
  private static final class Page {
    final byte[] ids;
    final byte[] types;
    final int[] packs;
    final long[] offsets;
    final int[] lengths;
    final int[] uncompressed;

    Page() {
      this(new byte[PAGE * Id.LENGTH], new byte[PAGE], new int[PAGE], new long[PAGE],
          new int[PAGE], new int[PAGE]);
    }

    private Page(byte[] ids, byte[] types, int[] packs, long[] offsets, int[] lengths,
        int[] uncompressed) {
      this.ids = ids;
      this.types = types;
      this.packs = packs;
      this.offsets = offsets;
      this.lengths = lengths;
      this.uncompressed = uncompressed;
    }

    void set(int i, int pack, PackedBlob b, byte[] id) {
      System.arraycopy(id, 0, ids, i * Id.LENGTH, Id.LENGTH);
      types[i] = (byte) b.type().ordinal();
      packs[i] = pack;
      offsets[i] = b.offset();
      lengths[i] = b.length();
      uncompressed[i] = b.uncompressedLength();
    }

    Page copy() {
      return new Page(ids.clone(), types.clone(), packs.clone(), offsets.clone(),
          lengths.clone(), uncompressed.clone());
    }
  }
}
