package dev.bulwark.sqlite;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Child process for tests: moves money in the bank at {@code args[0]} until its stdin closes.
 * Prints {@code ready}, then {@code commits N} every 20 transfers, then {@code done N}.
 */
public final class TransferWriter {
  private TransferWriter() {}

  public static void main(String[] args) throws Exception {
    AtomicBoolean stop = new AtomicBoolean();
    Thread stdin = new Thread(() -> {
      try {
        while (System.in.read() >= 0) {
          // drain until the parent closes our stdin
        }
      } catch (IOException e) {
        // a broken pipe means the parent is gone: stop as well
      }
      stop.set(true);
    });
    stdin.setDaemon(true);
    stdin.start();
    Random random = new Random();
    long n = 0;
    try (Connection c = Bank.connect(Path.of(args[0]))) {
      System.out.println("ready");
      System.out.flush();
      while (!stop.get()) {
        Bank.transfer(c, random);
        if (++n % 20 == 0) {
          System.out.println("commits " + n);
          System.out.flush();
        }
      }
    }
    System.out.println("done " + n);
  }
}
