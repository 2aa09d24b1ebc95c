package dev.bulwark.core.crypto;

import java.io.NotSerializableException;
import java.io.ObjectOutputStream;
import java.util.Arrays;
import javax.crypto.SecretKey;

/**
 * An AES key handed to JCE without the copy {@code SecretKeySpec} keeps, which JDK 17 offers no
 * way to wipe. It wraps (does not copy) an array owned by {@link MasterKey}, so wiping that array
 * wipes this key too.
 */
final class AesKey implements SecretKey {
  private static final long serialVersionUID = 1L;

  private final byte[] bytes;
  private volatile boolean destroyed;

  AesKey(byte[] bytes) {
    this.bytes = bytes;
  }

  @Override
  public String getAlgorithm() {
    return "AES";
  }

  @Override
  public String getFormat() {
    return "RAW";
  }

  @Override
  public byte[] getEncoded() {
    if (destroyed) {
      throw new IllegalStateException("key has been destroyed");
    }
    return bytes.clone();
  }

  @Override
  public void destroy() {
    destroyed = true;
    Arrays.fill(bytes, (byte) 0);
  }

  @Override
  public boolean isDestroyed() {
    return destroyed;
  }

  /** {@code SecretKey} is {@code Serializable}; key bytes must never leave that way. */
  private void writeObject(ObjectOutputStream out) throws NotSerializableException {
    throw new NotSerializableException("key material is not serializable");
  }

  @Override
  public String toString() {
    return "AesKey[" + bytes.length * 8 + " bit]";
  }
}
