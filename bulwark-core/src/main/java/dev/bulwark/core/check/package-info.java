/**
 * Verifying a repository: {@link dev.bulwark.core.check.Checker} confirms that every index
 * entry, tree and snapshot reference resolves and, with read-data, that every stored byte
 * decrypts and hashes to its id.
 */
package dev.bulwark.core.check;
