package dev.bulwark.core.backup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.core.repo.PackUploader;
import org.junit.jupiter.api.Test;

/** How many finished packs a backup lets wait for upload, by heap size. */
class ArchiverMemoryTest {
  private static final int PACK = 16 << 20;

  @Test
  void aSmallHeapHoldsOnePackInFlight() {
    assertThat(PackUploader.packsInFlight(2, PACK, 128L << 20)).isEqualTo(1);
  }

  @Test
  void theLaunchersHeapHoldsTwo() {
    // -Xmx192m as the JVM reports it to the launcher's command (parallel collector, CDS): 171
    // MiB; the test used to ask with 192 and passed while the real heap got one.
    assertThat(PackUploader.packsInFlight(2, PACK, 171L << 20)).isEqualTo(2);
    assertThat(PackUploader.packsInFlight(2, PACK, 192L << 20)).isEqualTo(2);
  }

  @Test
  void aLargerHeapHoldsOnePerConnectionPlusOne() {
    assertThat(PackUploader.packsInFlight(2, PACK, 512L << 20)).isEqualTo(3);
  }

  @Test
  void aLargeHeapNeverExceedsTheConnectionsPlusOne() {
    assertThat(PackUploader.packsInFlight(4, PACK, 64L << 30)).isEqualTo(5);
  }

  @Test
  void smallPacksOnASmallHeapStillUseEveryConnection() {
    assertThat(PackUploader.packsInFlight(2, 1 << 20, 128L << 20)).isEqualTo(3);
  }
}
