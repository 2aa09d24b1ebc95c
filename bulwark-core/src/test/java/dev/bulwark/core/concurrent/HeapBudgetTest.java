package dev.bulwark.core.concurrent;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class HeapBudgetTest {
  private static final long MIB = 1 << 20;

  @Test
  void aTakeWaitsUntilEnoughIsGivenBack() throws Exception {
    HeapBudget budget = HeapBudget.of(32 * MIB);
    HeapBudget.Grant first = budget.take(20 * MIB);
    CompletableFuture<HeapBudget.Grant> second = CompletableFuture.supplyAsync(() -> {
      try {
        return budget.take(20 * MIB);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    Thread.sleep(200);
    assertThat(second).as("20 + 20 MiB do not fit in 32").isNotDone();
    first.close();
    first.close(); // twice gives back once
    second.get(10, TimeUnit.SECONDS).close();
    try (HeapBudget.Grant a = budget.take(16 * MIB); HeapBudget.Grant b = budget.take(16 * MIB)) {
      assertThat(a).isNotSameAs(b);
    }
  }

  @Test
  void aRequestLargerThanTheBudgetTakesAllOfIt() throws Exception {
    HeapBudget budget = HeapBudget.of(8 * MIB);
    try (HeapBudget.Grant g = budget.take(100 * MIB)) {
      CompletableFuture<Void> small = CompletableFuture.runAsync(() -> {
        try {
          budget.take(1).close();
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      Thread.sleep(200);
      assertThat(small).as("the whole budget is taken").isNotDone();
      g.close();
      small.get(10, TimeUnit.SECONDS);
    }
  }
}
