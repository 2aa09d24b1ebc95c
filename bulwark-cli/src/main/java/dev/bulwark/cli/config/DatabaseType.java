package dev.bulwark.cli.config;

/** The kinds of database the daemon backs up. */
public enum DatabaseType {
  SQLITE, ROCKSDB
}
