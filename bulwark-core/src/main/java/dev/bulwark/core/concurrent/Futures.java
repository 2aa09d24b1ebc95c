package dev.bulwark.core.concurrent;

import dev.bulwark.core.BulwarkException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/** Waiting for a worker's result and rethrowing its failure as the job's own. */
public final class Futures {
  private Futures() {}

  /**
   * The result of {@code f}; a task's {@link IOException}, {@link BulwarkException} or runtime
   * exception is rethrown as it was thrown, an interrupt becomes {@link InterruptedIOException}.
   */
  public static <T> T await(Future<T> f) throws IOException, BulwarkException {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted");
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof BulwarkException be) {
        throw be;
      }
      if (c instanceof IOException io) {
        throw io;
      }
      if (c instanceof RuntimeException re) {
        throw re;
      }
      if (c instanceof Error err) {
        throw err;
      }
      throw new IOException(c);
    }
  }
}
