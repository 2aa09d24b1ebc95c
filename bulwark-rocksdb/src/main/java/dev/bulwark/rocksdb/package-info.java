/**
 * RocksDB for Bulwark: checkpoints of a live database (or a closed database directory) as a
 * backup source, and restores that verify a database before putting it in place.
 */
package dev.bulwark.rocksdb;
