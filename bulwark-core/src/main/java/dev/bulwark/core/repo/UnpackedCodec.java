package dev.bulwark.core.repo;

import dev.bulwark.core.CorruptionException;
import dev.bulwark.core.pack.BlobCodec;

/**
 * The plaintext encoding of index, snapshot and lock files in a version 2 repository: a 0x02
 * byte then a zstd frame; a leading '{' or '[' means raw JSON (version 1 and older writers).
 */
final class UnpackedCodec {
  private static final byte COMPRESSED = 0x02;
  private static final int LEVEL = 3;

  private UnpackedCodec() {}

  static byte[] encode(byte[] json, int version) {
    if (version < 2) {
      return json;
    }
    byte[] frame = BlobCodec.compress(json, 0, json.length, LEVEL);
    byte[] out = new byte[frame.length + 1];
    out[0] = COMPRESSED;
    System.arraycopy(frame, 0, out, 1, frame.length);
    return out;
  }

  static byte[] decode(byte[] plain, String what) throws CorruptionException {
    if (plain.length == 0) {
      throw new CorruptionException(what + ": empty file");
    }
    return switch (plain[0]) {
      case '{', '[' -> plain;
      case COMPRESSED -> BlobCodec.decompressUnknownSize(plain, 1, plain.length - 1, what);
      default -> throw new CorruptionException(what + ": unsupported encoding " + plain[0]);
    };
  }
}
