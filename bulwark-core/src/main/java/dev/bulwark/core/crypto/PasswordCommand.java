package dev.bulwark.core.crypto;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A repository password read from a command's standard output, with the whitespace around it
 * removed (restic's {@code --password-command}): for a secret manager or a key ring. The
 * command runs with {@code sh -c}, its errors go to this process's standard error, and its
 * output never appears in an exception: a failure names the exit code only.
 */
public final class PasswordCommand {
  private static final long TIMEOUT_SECONDS = 60;

  private PasswordCommand() {}

  /**
   * Runs {@code command} and returns the password it printed, as UTF-8 bytes; the caller zeroes
   * the array once the key is derived.
   *
   * @param command the shell command line
   * @param setting how the user gave the command ({@code --from-password-command}, {@code
   *     bulwark.password-command}), for the error messages
   * @throws IOException if it cannot start, exits with another code than 0, runs longer than
   *     a minute or prints nothing but whitespace
   * @throws InterruptedIOException if the calling thread is interrupted while waiting
   */
  public static byte[] run(String command, String setting) throws IOException {
    Process p = new ProcessBuilder(List.of("/bin/sh", "-c", command))
        .redirectError(ProcessBuilder.Redirect.INHERIT)
        .start();
    p.getOutputStream().close();
    byte[] out;
    try (InputStream in = p.getInputStream()) {
      out = readAll(in);
    }
    try {
      if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException(setting + " did not finish within " + TIMEOUT_SECONDS + " s");
      }
      if (p.exitValue() != 0) {
        throw new IOException(setting + " exited with code " + p.exitValue());
      }
      // As restic reads --password-command's output: Go's strings.TrimSpace.
      byte[] trimmed = PasswordText.trimSpace(out);
      if (trimmed.length == 0) {
        throw new IOException(setting + " printed no password");
      }
      return trimmed;
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for " + setting);
    } finally {
      Arrays.fill(out, (byte) 0);
    }
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
}
