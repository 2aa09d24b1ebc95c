package dev.bulwark.rocksdb;

import org.rocksdb.Options;
import org.rocksdb.RocksDB;

/**
 * Child process for tests: opens the RocksDB database in {@code args[0]} read-write (so it
 * holds its LOCK), prints {@code ready}, and keeps it open until its stdin closes. Exits 2,
 * printing {@code failed: <message>}, if the database cannot be opened.
 */
public final class HoldOpenMain {
  private HoldOpenMain() {}

  public static void main(String[] args) throws Exception {
    RocksDB.loadLibrary();
    try (Options o = new Options().setCreateIfMissing(true);
        RocksDB db = RocksDB.open(o, args[0])) {
      System.out.println("ready");
      System.out.flush();
      while (System.in.read() >= 0) {
        // hold the database until the parent closes our stdin
      }
    } catch (org.rocksdb.RocksDBException e) {
      System.out.println("failed: " + e.getMessage());
      System.out.flush();
      System.exit(2);
    }
  }
}
