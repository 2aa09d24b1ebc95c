package dev.bulwark.core.concurrent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bulwark.core.BulwarkException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** A worker's failure comes back as the job's own exception, not wrapped. */
class FuturesTest {
  @Test
  void aResultOrTheTasksOwnExceptionComesBack() throws Exception {
    assertThat(Futures.await(CompletableFuture.completedFuture("ok"))).isEqualTo("ok");
    IOException io = new IOException("disk");
    assertThatThrownBy(() -> Futures.await(CompletableFuture.failedFuture(io))).isSameAs(io);
    BulwarkException be = new BulwarkException("corrupt");
    assertThatThrownBy(() -> Futures.await(CompletableFuture.failedFuture(be))).isSameAs(be);
    IllegalStateException bug = new IllegalStateException("bug");
    assertThatThrownBy(() -> Futures.await(CompletableFuture.failedFuture(bug))).isSameAs(bug);
    Exception other = new Exception("checked");
    assertThatThrownBy(() -> Futures.await(CompletableFuture.failedFuture(other)))
        .isInstanceOf(IOException.class).hasCause(other);
  }

  @Test
  void anInterruptWhileWaitingIsAnInterruptedIoErrorAndKeepsTheFlag() {
    Thread.currentThread().interrupt();
    try {
      assertThatThrownBy(() -> Futures.await(new CompletableFuture<>()))
          .isInstanceOf(InterruptedIOException.class);
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
    }
  }
}
