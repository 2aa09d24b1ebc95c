package dev.bulwark.core.pack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bulwark.core.BlobType;
import dev.bulwark.core.CorruptionException;
import dev.bulwark.core.Id;
import dev.bulwark.core.crypto.MasterKey;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PackWriterReaderTest {
  private final MasterKey key = MasterKey.generate();

  private FinishedPack pack(List<byte[]> plains, boolean compress) {
    PackWriter w = new PackWriter(key);
    for (byte[] p : plains) {
      byte[] payload = compress ? BlobCodec.compress(p, 0, p.length, 3) : p;
      w.add(BlobType.DATA, Id.hash(p), key.seal(payload, 0, payload.length),
          compress ? p.length : 0);
    }
    return w.finish();
  }

  /** The pack file: its parts one after the other. */
  private static byte[] bytes(FinishedPack p) {
    ByteBuffer all = ByteBuffer.allocate(p.length());
    for (ByteBuffer part : p.parts()) {
      all.put(part.duplicate());
    }
    assertThat(all.hasRemaining()).as("parts add up to the length").isFalse();
    return all.array();
  }

  @Test
  void blobsAreNotCopiedIntoOneArray() {
    List<byte[]> plains = blobs(3, 1000);
    FinishedPack p = pack(plains, false);
    assertThat(p.parts()).hasSize(4);
    for (int i = 0; i < 3; i++) {
      assertThat(p.parts().get(i).remaining()).isEqualTo(p.blobs().get(i).length());
    }
    assertThat(p.parts().get(0).isReadOnly()).isTrue();
  }

  private static List<byte[]> blobs(int n, int size) {
    Random r = new Random(n * 31L + size);
    List<byte[]> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      byte[] b = new byte[size + i];
      r.nextBytes(b);
      Arrays.fill(b, 0, b.length / 2, (byte) 'a');
      out.add(b);
    }
    return out;
  }

  @Test
  void headerReadsBackWhatWasWrittenForSmallAndLargeHeaders() throws Exception {
    for (int n : new int[] {1, 3, 15, 16, 200}) {
      for (boolean compress : new boolean[] {false, true}) {
        List<byte[]> plains = blobs(n, 500);
        FinishedPack p = pack(plains, compress);
        byte[] file = bytes(p);
        assertThat(Id.hash(file)).isEqualTo(p.id());
        List<PackedBlob> read = PackReader.readHeader(
            (off, len) -> Arrays.copyOfRange(file, (int) off, (int) off + len), file.length, key,
            "test");
        assertThat(read).isEqualTo(p.blobs());
        assertThat(PackReader.expectedSize(read)).isEqualTo(file.length);
        for (int i = 0; i < n; i++) {
          byte[] plain = BlobCodec.open(key, file, (int) read.get(i).offset(), read.get(i), "t");
          assertThat(plain).isEqualTo(plains.get(i));
        }
      }
    }
  }

  @Test
  void damagedHeaderOrBlobIsReportedAsCorruption() {
    FinishedPack p = pack(blobs(4, 300), true);
    byte[] file = bytes(p);
    byte[] badHeader = file.clone();
    badHeader[badHeader.length - 10] ^= 1;
    assertThatThrownBy(() -> PackReader.readHeader(
        (off, len) -> Arrays.copyOfRange(badHeader, (int) off, (int) off + len),
        badHeader.length, key, "pack x")).isInstanceOf(CorruptionException.class);
    byte[] badLength = file.clone();
    badLength[badLength.length - 1] = 0x7f;
    assertThatThrownBy(() -> PackReader.readHeader(
        (off, len) -> Arrays.copyOfRange(badLength, (int) off, (int) off + len),
        badLength.length, key, "pack x")).hasMessageContaining("invalid header length");
    PackedBlob first = p.blobs().get(0);
    byte[] badBlob = file.clone();
    badBlob[40] ^= 1;
    assertThatThrownBy(() -> BlobCodec.open(key, badBlob, 0, first, "pack x"))
        .isInstanceOf(CorruptionException.class).hasMessageContaining("pack x");
  }

  @Test
  void headerEntriesUseResticsTypeCodes() {
    PackWriter w = new PackWriter(key);
    byte[] plain = "tree".getBytes();
    w.add(BlobType.TREE, Id.hash(plain), key.seal(plain, 0, plain.length), 0);
    w.add(BlobType.DATA, Id.hash(plain), key.seal(plain, 0, plain.length), 0);
    byte[] h = PackWriter.encodeHeader(w.finish().blobs());
    assertThat(h).hasSize(2 * 37);
    assertThat(h[0]).isEqualTo((byte) 1);
    assertThat(h[37]).isEqualTo((byte) 0);
    assertThat(h[1]).isEqualTo((byte) (plain.length + 32)); // little-endian length
  }
}
