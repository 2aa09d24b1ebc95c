/**
 * Continuous capture of a database's committed transactions as stream segments: the segment
 * format, the database-state checksum that chains them, and where they live in a repository.
 * Not yet wired into commands or the daemon.
 */
package dev.bulwark.core.stream;
