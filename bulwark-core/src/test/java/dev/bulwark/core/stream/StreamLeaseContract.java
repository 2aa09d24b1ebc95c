package dev.bulwark.core.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bulwark.core.backend.Backend;
import dev.bulwark.core.repo.Repository;
import dev.bulwark.core.testing.TestRepositories;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What {@link StreamLease} promises on a real repository, run against each backend by a
 * subclass that supplies a fresh, empty, created backend per test. Expiries are short (2.5 s)
 * so that takeovers happen within the test.
 */
public abstract class StreamLeaseContract {
  private static final Duration EXPIRY = Duration.ofMillis(2500);
  private final List<StreamLease> leases = new ArrayList<>();
  private Repository repo;

  /** A backend over a new empty repository location, on which {@code create()} has run. */
  protected abstract Backend newBackend() throws Exception;

  @BeforeEach
  void openRepository() throws Exception {
    repo = TestRepositories.init(newBackend());
  }

  @AfterEach
  void closeRepository() throws Exception {
    for (StreamLease l : leases) {
      l.close();
    }
    repo.close();
  }

  private StreamLease acquire(String host) throws Exception {
    StreamLease l = StreamLease.acquire(repo, "app", new LeaseOptions(EXPIRY, host),
        Clock.systemUTC());
    leases.add(l);
    return l;
  }

  @Test
  void aSecondReplicatorIsRefusedWhileTheHolderRenewsNamingHostPidAndExpiry() throws Exception {
    StreamLease a = acquire("host-a");
    assertThat(a.epoch()).isEqualTo(1);
    long t0 = System.nanoTime();
    assertThatThrownBy(() -> acquire("host-b"))
        .isInstanceOf(LeaseHeldException.class)
        .hasMessageContaining("host host-a pid " + ProcessHandle.current().pid())
        .hasMessageContaining("epoch 1")
        .hasMessageContaining("expires at")
        .hasMessageNotContaining("\n");
    // Refused as soon as a renewal was seen, long before the lease could expire.
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(EXPIRY);
    assertThat(a.isHeld()).isTrue();
    a.requireHeld();
  }

  @Test
  void aLeaseThatIsNoLongerRenewedIsTakenOverAfterItsExpiryWithTheNextEpoch()
      throws Exception {
    StreamLease a = acquire("host-a");
    a.stopRenewing(); // as a killed or paused process
    long t0 = System.nanoTime();
    StreamLease b = acquire("host-b");
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(EXPIRY);
    assertThat(b.epoch()).isEqualTo(2);
    assertThat(b.claim().host()).isEqualTo("host-b");
    // The old holder stopped counting itself the holder before anyone could take over ...
    assertThat(a.isHeld()).isFalse();
    assertThatThrownBy(a::requireHeld).isInstanceOf(IOException.class);
    // ... and when it wakes up and tries to renew, it learns it lost the lease for good.
    assertThatThrownBy(a::renew).isInstanceOf(LeaseLostException.class)
        .hasMessageContaining("host host-b");
    assertThatThrownBy(a::requireHeld).isInstanceOf(LeaseLostException.class);
    // The new holder keeps it against a third.
    assertThatThrownBy(() -> acquire("host-c")).isInstanceOf(LeaseHeldException.class)
        .hasMessageContaining("host host-b");
  }

  @Test
  void aReleasedLeaseIsTakenAtOnceAndEpochsKeepGrowing() throws Exception {
    for (int i = 1; i <= 3; i++) {
      long t0 = System.nanoTime();
      StreamLease l = acquire("host-" + i);
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(EXPIRY);
      assertThat(l.epoch()).isEqualTo(i);
      l.close();
      assertThat(l.isHeld()).isFalse();
    }
    // Old claims are cleared as new ones win: the folder stays one file.
    assertThat(repo.listLeaseFolder("app")).hasSize(1);
  }

  @Test
  void aLeaseOfAProcessOfThisHostThatIsGoneIsTakenAtOnce() throws Exception {
    Process p = new ProcessBuilder("true").start();
    p.waitFor();
    LeaseClaim dead = new LeaseClaim("00000000000000aa", "host-a", p.pid(), 7, EXPIRY, false, 3,
        Instant.now());
    repo.saveLeaseFile("app/" + dead.fileName(), dead.encode());
    long t0 = System.nanoTime();
    StreamLease l = acquire("host-a");
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(EXPIRY);
    assertThat(l.epoch()).isEqualTo(8);
  }

  @Test
  void theHolderRenewsItsClaimSoObserversSeeItAlive() throws Exception {
    StreamLease a = acquire("host-a");
    long first = a.claim().renewal();
    a.renew();
    assertThat(a.claim().renewal()).isEqualTo(first + 1);
    LeaseClaim stored = LeaseClaim.decode(
        repo.loadLeaseFile("app/" + a.claim().fileName()), "claim");
    assertThat(stored).isEqualTo(a.claim());
  }

  @Test
  void ofReplicatorsOnFourHostsStartingAtOnceExactlyOneHoldsTheLease() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<StreamLease>> tries = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        String host = "host-" + i;
        tries.add(pool.submit(() -> {
          go.await();
          return acquire(host);
        }));
      }
      go.countDown();
      List<StreamLease> won = new ArrayList<>();
      int refused = 0;
      for (Future<StreamLease> f : tries) {
        try {
          won.add(f.get(30, TimeUnit.SECONDS));
        } catch (java.util.concurrent.ExecutionException e) {
          assertThat(e.getCause()).isInstanceOf(LeaseHeldException.class);
          refused++;
        }
      }
      assertThat(won).hasSize(1);
      assertThat(refused).isEqualTo(3);
      assertThat(won.get(0).isHeld()).isTrue();
    } finally {
      pool.shutdownNow();
    }
  }
}
