package dev.bulwark.bench;

import dev.bulwark.core.BlobType;
import dev.bulwark.core.CorruptionException;
import dev.bulwark.core.Id;
import dev.bulwark.core.backup.BackupOptions;
import dev.bulwark.core.crypto.MasterKey;
import dev.bulwark.core.pack.BlobCodec;
import dev.bulwark.core.pack.PackedBlob;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The CPU a fold cannot avoid, whatever its pipeline: for each chunk of B that differs from A's
 * (the chunks a fold of A's snapshot with B's changed pages rebuilds), open A's chunk as it is
 * stored (MAC, decrypt, decompress, check its id) and store B's (hash, compress at the default
 * level, seal). One thread, everything in memory, no file, index or pack; the best of four
 * rounds after a warm-up. Dividing by the cores gives the least time any fold on this machine
 * can take for these chunks; the segments' pass and the trees come on top.
 *
 * <p>Run as a plain main class: {@code FoldFloorBench A.db B.db CHUNK_KIB...}.
 */
public final class FoldFloorBench {
  private FoldFloorBench() {}

  public static void main(String[] args) throws Exception {
    String a = args[0];
    String b = args[1];
    int cores = Runtime.getRuntime().availableProcessors();
    System.out.println();
    System.out.println("| chunk | chunks that differ | open the base's, s | store the new, s"
        + " | CPU s a fold needs | on " + cores + " cores, s |");
    System.out.println("| --- | --- | --- | --- | --- | --- |");
    for (int i = 2; i < args.length; i++) {
      measure(a, b, Integer.parseInt(args[i]) * 1024);
    }
  }

  private static void measure(String a, String b, int chunk) throws IOException,
      CorruptionException {
    List<byte[]> before = new ArrayList<>();
    List<byte[]> after = new ArrayList<>();
    try (RandomAccessFile fa = new RandomAccessFile(a, "r");
        RandomAccessFile fb = new RandomAccessFile(b, "r")) {
      long n = Math.min(fa.length(), fb.length()) / chunk;
      byte[] x = new byte[chunk];
      byte[] y = new byte[chunk];
      for (long k = 0; k < n; k++) {
        fa.readFully(x);
        fb.readFully(y);
        if (!Arrays.equals(x, y)) {
          before.add(x.clone());
          after.add(y.clone());
        }
      }
    }
    int n = before.size();
    MasterKey key = MasterKey.generate();
    int level = BackupOptions.DEFAULT_ZSTD_LEVEL;
    byte[][] sealed = new byte[n][];
    PackedBlob[] blobs = new PackedBlob[n];
    for (int i = 0; i < n; i++) {
      byte[] z = BlobCodec.compress(before.get(i), 0, chunk, level);
      sealed[i] = key.seal(z, 0, z.length);
      blobs[i] = new PackedBlob(BlobType.DATA, Id.hash(before.get(i)), 0, sealed[i].length,
          chunk);
    }
    double bestOpen = Double.MAX_VALUE;
    double bestStore = Double.MAX_VALUE;
    long sink = 0;
    for (int round = 0; round < 5; round++) {
      long t0 = System.nanoTime();
      for (int i = 0; i < n; i++) {
        sink += BlobCodec.open(key, sealed[i], 0, blobs[i], "base").length;
      }
      long t1 = System.nanoTime();
      for (int i = 0; i < n; i++) {
        byte[] plain = after.get(i);
        sink += Id.hash(plain).hashCode();
        byte[] z = BlobCodec.compress(plain, 0, chunk, level);
        sink += key.seal(z, 0, z.length).length;
      }
      long t2 = System.nanoTime();
      if (round > 0) { // the first round warms the JIT up
        bestOpen = Math.min(bestOpen, (t1 - t0) / 1e9);
        bestStore = Math.min(bestStore, (t2 - t1) / 1e9);
      }
    }
    int cores = Runtime.getRuntime().availableProcessors();
    System.out.printf("| %d KiB | %,d | %.2f | %.2f | %.2f | %.2f |%n", chunk / 1024, n,
        bestOpen, bestStore, bestOpen + bestStore, (bestOpen + bestStore) / cores);
    if (sink == 42) {
      System.out.println(); // keeps the work from being optimised away
    }
  }
}
