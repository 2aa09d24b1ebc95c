/**
 * RocksDB for Bulwark: {@link dev.bulwark.rocksdb.RocksDbSource} backs up a live database
 * through a checkpoint (or a closed database folder as it is), and
 * {@link dev.bulwark.rocksdb.RocksDbKind} verifies a restored copy and swaps it into place
 * under a journal that makes an interrupted swap recoverable.
 *
 * <p>{@link dev.bulwark.rocksdb.RocksDbDatabase} is both, for the library: {@code
 * RocksDbDatabase.at(folder)} for a closed database, {@code RocksDbDatabase.of(db)} for one this
 * process keeps open.
 */
@NullMarked
package dev.bulwark.rocksdb;

import org.jspecify.annotations.NullMarked;
