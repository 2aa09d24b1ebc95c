package dev.bulwark.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A restore drill: before the test runs, the newest backup of {@link #database()} (or its state
 * at {@link #time()}) is restored from {@link #repository()} into a temporary folder, verified
 * as every Bulwark restore is, and handed to the test, which checks the application's own
 * invariants against it:
 *
 * <pre>{@code
 * @RestoreDrill(repository = "${BACKUP_REPO}", database = "/srv/app/app.db")
 * class BackupDrillTest {
 *   @Test
 *   void balancesSumToZero(Connection restored) throws SQLException {
 *     try (var rs = restored.createStatement().executeQuery("select sum(amount) from entries")) {
 *       assertEquals(0, rs.getLong(1));
 *     }
 *   }
 * }
 * }</pre>
 *
 * <p>Test methods and their {@code @BeforeEach} and {@code @AfterEach} methods (under a drill on
 * the class, also constructors and {@code @BeforeAll} and {@code @AfterAll} methods) may declare
 * a {@link java.sql.Connection} (a read-only connection to the restored SQLite copy, closed
 * after the test), a {@link java.nio.file.Path} (the restored copy: a file for SQLite, a folder
 * for RocksDB) and a {@link RestoredDatabase} (which snapshot, from which host, the point
 * reached).
 *
 * <p>On a class, the database is restored once, before the class's first test, and deleted
 * after its last; on a method, for that method alone, and deleted after it. A method's own drill
 * takes the place of its class's for that method.
 *
 * <p>Every text attribute may hold {@code ${NAME}} placeholders, resolved from JUnit
 * configuration parameters (which include system properties) and then environment variables,
 * so that a CI secret never needs to be in the code. A placeholder that resolves to nothing
 * means the drill is not configured: the test fails, or is skipped with {@link
 * #skipIfUnavailable()}. A wrong password, a missing repository, a database with no snapshot or
 * a damaged backup always fail the test, with one line naming which.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@ExtendWith(RestoreDrillExtension.class)
public @interface RestoreDrill {

  /**
   * Where the repository is: a folder, {@code local:PATH}, or {@code s3:...} with bulwark-s3 on
   * the test class path (its settings from the environment, as for the CLI). Default: the
   * {@code BULWARK_REPOSITORY} variable.
   *
   * @return the repository's location
   */
  String repository() default "${BULWARK_REPOSITORY}";

  /**
   * The database's path as it was backed up (on the production host, e.g. {@code
   * /srv/app/app.db}); nothing is read or written there.
   *
   * @return the database's production path
   */
  String database();

  /**
   * A file holding the repository's password (whitespace around it removed, as restic does).
   * Empty (the default): the password in {@link #passwordVariable()} if that is set, else the
   * file named by {@code BULWARK_PASSWORD_FILE}.
   *
   * @return the password file, or empty
   */
  String passwordFile() default "";

  /**
   * The name (not the value) of the configuration parameter or environment variable that holds
   * the password, used when {@link #passwordFile()} is empty. Default: {@code
   * BULWARK_PASSWORD}.
   *
   * @return the name of the variable holding the password
   */
  String passwordVariable() default "BULWARK_PASSWORD";

  /**
   * The point in time to restore, as an ISO-8601 instant ({@code 2026-12-01T08:00:00Z}): the
   * newest snapshot at or before it, and for a streamed database its stream replayed up to it.
   * Empty (the default): the newest state the repository holds.
   *
   * @return the instant to restore, or empty for the newest state
   */
  String time() default "";

  /**
   * The host whose backups are restored, as the snapshots record it. Empty (the default): the
   * host that wrote the newest snapshot of the database (at or before {@link #time()}), since a
   * drill usually runs on another machine than the one that backs up.
   *
   * @return the host name, or empty for the newest snapshot's host
   */
  String host() default "";

  /**
   * Skip (abort) instead of fail when the drill is not configured, i.e. a placeholder resolves
   * to nothing (say on a developer's machine without the CI secrets). A configured drill that
   * cannot restore (missing repository, wrong password, no snapshot, damage) still fails.
   *
   * @return true to skip an unconfigured drill instead of failing it
   */
  boolean skipIfUnavailable() default false;
}
