/**
 * restic's repository crypto: the master key that seals every stored object with AES-256-CTR
 * and Poly1305-AES, and the scrypt derivation of the user key that unlocks it from a key file.
 */
package dev.bulwark.core.crypto;
