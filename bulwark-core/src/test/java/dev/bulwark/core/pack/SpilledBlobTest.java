package dev.bulwark.core.pack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bulwark.core.BlobType;
import dev.bulwark.core.CorruptionException;
import dev.bulwark.core.Id;
import dev.bulwark.core.crypto.MasterKey;
import dev.bulwark.core.crypto.SealedBytes;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A blob sealed through a temporary file is an ordinary sealed blob: the in-memory opener reads
 * it and finds its id, compressed (zstd frame of exact length) or not, and the stream opener
 * reads it too; a stream opened on a blob whose content does not match the id it is given
 * fails at its end.
 */
class SpilledBlobTest {
  private static byte[] json(int ids) {
    StringBuilder b = new StringBuilder("{\"nodes\":[{\"content\":[");
    for (int i = 0; i < ids; i++) {
      b.append(i > 0 ? ",\"" : "\"").append(Id.hash(new byte[] {(byte) i, (byte) (i >> 8)}))
          .append('"');
    }
    return b.append("]}]}\n").toString().getBytes(StandardCharsets.US_ASCII);
  }

  @ParameterizedTest(name = "zstd level {0}")
  @ValueSource(ints = {0, 3})
  void aSpilledBlobOpensInMemoryAndAsAStream(int level) throws Exception {
    byte[] plain = json(5_000);
    try (MasterKey key = MasterKey.generate()) {
      SpilledBlob spilled = SpilledBlob.seal(key, level, out -> {
        for (int at = 0; at < plain.length; at += 1000) {
          out.write(plain, at, Math.min(1000, plain.length - at));
        }
      });
      assertThat(spilled.id()).isEqualTo(Id.hash(plain));
      assertThat(spilled.plaintextLength()).isEqualTo(plain.length);
      assertThat(spilled.uncompressedLength()).isEqualTo(level == 0 ? 0 : plain.length);
      ByteBuffer buf = spilled.sealed();
      byte[] sealed = new byte[buf.remaining()];
      buf.get(sealed);
      if (level != 0) {
        assertThat(sealed.length).isLessThan(plain.length);
      }
      PackedBlob blob = new PackedBlob(BlobType.TREE, spilled.id(), 0, sealed.length,
          spilled.uncompressedLength());
      assertThat(BlobCodec.open(key, sealed, 0, blob, "t")).isEqualTo(plain);
      try (InputStream in = BlobCodec.openStream(key, SealedBytes.of(sealed, 0, sealed.length),
          blob, "t")) {
        assertThat(in.readAllBytes()).isEqualTo(plain);
      }

      PackedBlob wrongId = new PackedBlob(BlobType.TREE, Id.hash(new byte[1]), 0, sealed.length,
          spilled.uncompressedLength());
      assertThatThrownBy(() -> {
        try (InputStream in = BlobCodec.openStream(key,
            SealedBytes.of(sealed, 0, sealed.length), wrongId, "pack p")) {
          in.readAllBytes();
        }
      }).isInstanceOf(DamagedBlobException.class)
          .hasMessageContaining("pack p").hasMessageContaining("does not match its id")
          .extracting(e -> ((DamagedBlobException) e).corruption())
          .isInstanceOf(CorruptionException.class);
    }
  }
}
