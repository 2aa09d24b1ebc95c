/**
 * Reading SQLite's write-ahead log ({@code -wal} file) as SQLite documents it: header, frames,
 * salts and cumulative checksums, yielding only committed transactions, incrementally and one
 * page at a time. Not wired into any command yet (first increment of continuous capture).
 */
package dev.bulwark.sqlite.wal;
