package dev.bulwark.core.index;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.core.BlobType;
import dev.bulwark.core.Id;
import dev.bulwark.core.pack.PackedBlob;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class IndexTest {
  private static Id id(int n) {
    return Id.hash(ByteBuffer.allocate(4).putInt(n).array());
  }

  private static PackedBlob data(int n) {
    return new PackedBlob(BlobType.DATA, id(n), 40L * n + 3, 32 + n % 1000, n % 7 == 0 ? 0 : n);
  }

  @Test
  void findsEveryBlobOfManyPacksWithItsPackAndLocation() {
    Index index = new Index();
    // Past several pages and table growths, so entries moved by a rehash are still found.
    int packs = 60;
    int perPack = 1000;
    for (int p = 0; p < packs; p++) {
      List<PackedBlob> blobs = new ArrayList<>();
      for (int b = 0; b < perPack; b++) {
        blobs.add(data(p * perPack + b));
      }
      index.addPack(id(-1 - p), blobs);
    }
    assertThat(index.blobCount()).isEqualTo(packs * perPack);
    long plaintext = 0;
    for (int n = 0; n < packs * perPack; n++) {
      PackedBlob want = data(n);
      plaintext += want.plaintextLength();
      assertThat(index.find(BlobType.DATA, id(n)))
          .contains(new BlobLocation(id(-1 - n / perPack), want));
      assertThat(index.has(BlobType.TREE, id(n))).isFalse();
    }
    assertThat(index.plaintextBytes()).isEqualTo(plaintext);
    assertThat(index.find(BlobType.DATA, id(packs * perPack))).isEmpty();
  }

  @Test
  void theFirstLocationWinsAndTypesAreKeptApart() {
    Index index = new Index();
    index.addPack(id(-1), List.of(data(5)));
    index.addPack(id(-2), List.of(new PackedBlob(BlobType.DATA, id(5), 999, 77, 0),
        new PackedBlob(BlobType.TREE, id(5), 10, 50, 60)));
    assertThat(index.blobCount()).isEqualTo(2);
    assertThat(index.find(BlobType.DATA, id(5))).contains(new BlobLocation(id(-1), data(5)));
    assertThat(index.find(BlobType.TREE, id(5))).contains(
        new BlobLocation(id(-2), new PackedBlob(BlobType.TREE, id(5), 10, 50, 60)));
    assertThat(index.plaintextBytes()).isEqualTo(data(5).plaintextLength() + 60);
  }

  @Test
  void replaceWithTakesACopyThatLaterAdditionsToTheSourceDoNotChange() {
    Index fresh = new Index();
    fresh.addPack(id(-1), List.of(data(1)));
    Index index = new Index();
    index.addPack(id(-2), List.of(data(2)));
    index.replaceWith(fresh);
    fresh.addPack(id(-3), List.of(data(3)));
    assertThat(index.has(BlobType.DATA, id(1))).isTrue();
    assertThat(index.has(BlobType.DATA, id(2))).isFalse();
    assertThat(index.has(BlobType.DATA, id(3))).isFalse();
    assertThat(index.find(BlobType.DATA, id(1)))
        .isEqualTo(Optional.of(new BlobLocation(id(-1), data(1))));
    assertThat(index.blobCount()).isEqualTo(1);
  }
}
