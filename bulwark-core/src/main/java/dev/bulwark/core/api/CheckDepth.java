package dev.bulwark.core.api;

/** How much {@link BulwarkRepository#check(CheckDepth)} reads. */
public enum CheckDepth {
  /** The structure: every snapshot's trees, and that every blob they name is indexed. */
  STRUCTURE,
  /** The structure, then every pack: each blob decrypted and hashed against its id. */
  READ_DATA
}
