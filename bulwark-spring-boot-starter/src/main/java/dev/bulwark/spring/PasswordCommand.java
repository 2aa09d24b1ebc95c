package dev.bulwark.spring;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code bulwark.password-command} and takes its standard output, whitespace around it
 * removed, as the password (restic's {@code --password-command}). The output never appears in
 * an error: a failure names the exit code only.
 */
final class PasswordCommand {
  private static final long TIMEOUT_SECONDS = 60;

  private PasswordCommand() {}

  /** The password as UTF-8 bytes; the caller zeroes the array. */
  static byte[] run(String command) throws IOException {
    Process p = new ProcessBuilder(List.of("/bin/sh", "-c", command))
        .redirectError(ProcessBuilder.Redirect.INHERIT)
        .redirectInput(ProcessBuilder.Redirect.PIPE)
        .start();
    p.getOutputStream().close();
    byte[] out;
    try (InputStream in = p.getInputStream()) {
      out = readAll(in);
    }
    try {
      if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        Arrays.fill(out, (byte) 0);
        throw new IOException("bulwark.password-command did not finish within "
            + TIMEOUT_SECONDS + " s");
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      Arrays.fill(out, (byte) 0);
      throw new IOException("interrupted while waiting for bulwark.password-command", e);
    }
    if (p.exitValue() != 0) {
      Arrays.fill(out, (byte) 0);
      throw new IOException("bulwark.password-command exited with code " + p.exitValue());
    }
    byte[] trimmed = trim(out);
    Arrays.fill(out, (byte) 0);
    if (trimmed.length == 0) {
      throw new IOException("bulwark.password-command printed no password");
    }
    return trimmed;
  }

  private static byte[] readAll(InputStream in) throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    byte[] chunk = new byte[256];
    for (int n; (n = in.read(chunk)) > 0; ) {
      buf.write(chunk, 0, n);
    }
    Arrays.fill(chunk, (byte) 0);
    return buf.toByteArray();
  }

  private static byte[] trim(byte[] b) {
    int from = 0;
    int to = b.length;
    while (from < to && Character.isWhitespace(b[from])) {
      from++;
    }
    while (to > from && Character.isWhitespace(b[to - 1])) {
      to--;
    }
    return Arrays.copyOfRange(b, from, to);
  }
}
