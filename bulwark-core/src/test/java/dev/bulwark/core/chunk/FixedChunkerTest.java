package dev.bulwark.core.chunk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FixedChunkerTest {
  @Test
  void cutsExactChunksAndAShortTail() throws Exception {
    byte[] data = new byte[3 * 4096 + 100];
    new Random(1).nextBytes(data);
    FixedChunker c = new FixedChunker(new ByteArrayInputStream(data), 4096);
    List<byte[]> chunks = new ArrayList<>();
    for (byte[] b; (b = c.next()) != null; ) {
      chunks.add(b);
    }
    assertThat(chunks).extracting(b -> b.length).containsExactly(4096, 4096, 4096, 100);
    ByteArrayOutputStream joined = new ByteArrayOutputStream();
    for (byte[] b : chunks) {
      joined.write(b);
    }
    assertThat(joined.toByteArray()).isEqualTo(data);
    assertThat(c.next()).isNull();
  }

  @Test
  void emptyStreamYieldsNoChunk() throws Exception {
    assertThat(new FixedChunker(new ByteArrayInputStream(new byte[0]), 4096).next()).isNull();
  }

  @Test
  void exactMultipleHasNoEmptyTail() throws Exception {
    FixedChunker c = new FixedChunker(new ByteArrayInputStream(new byte[8192]), 4096);
    assertThat(c.next()).hasSize(4096);
    assertThat(c.next()).hasSize(4096);
    assertThat(c.next()).isNull();
  }

  @Test
  void refusesSizesOutsideTheLimits() {
    assertThatThrownBy(() -> new FixedChunker(new ByteArrayInputStream(new byte[1]), 1024))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new FixedChunker(new ByteArrayInputStream(new byte[1]), 9 << 20))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
