package dev.bulwark.core.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bulwark.core.BlobType;
import dev.bulwark.core.CorruptionException;
import dev.bulwark.core.Id;
import dev.bulwark.core.pack.PackReader;
import dev.bulwark.core.pack.PackedBlob;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class IndexFileTest {
  private static Id id(int n) {
    return Id.hash(new byte[] {(byte) n});
  }

  @Test
  void roundTripsAndOmitsWhatResticOmits() throws Exception {
    IndexFile f = new IndexFile(List.of(), List.of(new PackBlobs(id(1), List.of(
        new PackedBlob(BlobType.DATA, id(2), 0, 100, 150),
        new PackedBlob(BlobType.TREE, id(3), 100, 50, 0)))));
    String json = new String(f.toJson(), StandardCharsets.UTF_8);
    assertThat(json).doesNotContain("supersedes").endsWith("\n");
    assertThat(json).contains("\"uncompressed_length\":150").containsOnlyOnce("uncompressed");
    assertThat(IndexFile.parse(f.toJson(), "t")).isEqualTo(f);
  }

  @Test
  void readsSupersedesAndTheOldArrayFormat() throws Exception {
    IndexFile f = new IndexFile(List.of(id(9)), List.of());
    assertThat(IndexFile.parse(f.toJson(), "t").supersedes()).containsExactly(id(9));
    String old = "[{\"id\":\"" + id(1) + "\",\"blobs\":[{\"id\":\"" + id(2)
        + "\",\"type\":\"data\",\"offset\":0,\"length\":40}]}]";
    IndexFile parsed = IndexFile.parse(old.getBytes(StandardCharsets.UTF_8), "t");
    assertThat(parsed.packs().get(0).blobs().get(0).isCompressed()).isFalse();
  }

  @Test
  void rejectsUnknownBlobTypes() {
    String bad = "{\"packs\":[{\"id\":\"" + id(1) + "\",\"blobs\":[{\"id\":\"" + id(2)
        + "\",\"type\":\"Data\",\"offset\":0,\"length\":40}]}]}";
    assertThatThrownBy(() -> IndexFile.parse(bad.getBytes(StandardCharsets.UTF_8), "index x"))
        .isInstanceOf(CorruptionException.class).hasMessageContaining("index x");
  }

  @Test
  void indexFindsBlobsAndComputesPackSizes() {
    Index idx = new Index();
    List<PackedBlob> packBlobs = List.of(new PackedBlob(BlobType.DATA, id(2), 0, 100, 150));
    idx.addPack(id(1), packBlobs);
    assertThat(idx.has(BlobType.DATA, id(2))).isTrue();
    assertThat(idx.has(BlobType.TREE, id(2))).isFalse();
    assertThat(idx.find(BlobType.DATA, id(2)).orElseThrow().pack()).isEqualTo(id(1));
    assertThat(PackReader.expectedSize(packBlobs)).isEqualTo(4L + 32 + 100 + 41);
  }
}
