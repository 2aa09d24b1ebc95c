package dev.bulwark.junit;

import dev.bulwark.sqlite.SqliteKind;
import java.lang.reflect.AnnotatedElement;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.commons.support.AnnotationSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;

/**
 * Runs the restore of a {@link RestoreDrill}: once before the class's tests when the class is
 * annotated, before the test when the method is, and keeps the copy in JUnit's extension store
 * of that class or method, which deletes it when the class or the test is done. Resolves the
 * test's {@link Connection}, {@link Path} and {@link RestoredDatabase} parameters from the
 * nearest copy: the method's, else its class's (or an enclosing class's, for {@code @Nested}).
 *
 * <p>Registered by {@link RestoreDrill}; there is no need to name it in {@code @ExtendWith}.
 */
public final class RestoreDrillExtension
    implements BeforeAllCallback, BeforeEachCallback, ParameterResolver {
  /**
   * The configuration parameter naming the folder the temporary copies are made in (default:
   * {@code java.io.tmpdir}).
   */
  public static final String TEMP_DIR_PARAMETER = "bulwark.drill.tmpdir";

  private static final Logger LOG = LoggerFactory.getLogger(RestoreDrillExtension.class);
  private static final Namespace NAMESPACE = Namespace.create(RestoreDrillExtension.class);
  private static final String COPY = "restored copy";

  /** Creates the extension; JUnit does, for {@link RestoreDrill}. */
  public RestoreDrillExtension() {}

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    restoreIfAnnotated(context, context.getRequiredTestClass());
  }

  @Override
  public void beforeEach(ExtensionContext context) throws Exception {
    restoreIfAnnotated(context, context.getRequiredTestMethod());
  }

  /**
   * Restores the drill on {@code element} itself (a class's drill is not restored again for
   * each of its methods, nor for its {@code @Nested} classes).
   */
  private static void restoreIfAnnotated(ExtensionContext context, AnnotatedElement element)
      throws RestoreDrillException {
    Optional<RestoreDrill> drill = AnnotationSupport.findAnnotation(element, RestoreDrill.class);
    if (drill.isEmpty()) {
      return;
    }
    Function<String, Optional<String>> lookup = name -> context.getConfigurationParameter(name)
        .or(() -> Optional.ofNullable(System.getenv(name)));
    Placeholders variables = new Placeholders(lookup);
    DrillSettings settings;
    try {
      settings = DrillSettings.of(drill.get(), variables);
    } catch (NotConfiguredException e) {
      if (drill.get().skipIfUnavailable()) {
        Assumptions.abort(e.getMessage());
      }
      throw e;
    }
    Path tempRoot = Path.of(context.getConfigurationParameter(TEMP_DIR_PARAMETER)
        .orElse(System.getProperty("java.io.tmpdir")));
    RestoredCopy copy = new DrillRestorer(new BackendVariables(lookup)).restore(settings,
        tempRoot);
    context.getStore(NAMESPACE).put(COPY, copy);
    RestoredDatabase restored = copy.database();
    LOG.info("restore drill: {} restored from snapshot {} of {} ({}) into {}",
        restored.database(), restored.snapshotId(), restored.snapshotTime(), restored.host(),
        restored.path());
    context.publishReportEntry("bulwark.snapshot", restored.snapshotId());
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    boolean ours = type == Connection.class || type == RestoredDatabase.class
        || (type == Path.class && !parameter.isAnnotated(TempDir.class));
    return ours && copy(context).isPresent();
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    RestoredDatabase restored = copy(context).orElseThrow().database();
    Class<?> type = parameter.getParameter().getType();
    if (type == RestoredDatabase.class) {
      return restored;
    }
    if (type == Path.class) {
      return restored.path();
    }
    if (!restored.kind().equals(SqliteKind.NAME)) {
      throw new ParameterResolutionException("restore drill: " + restored.database() + " is a "
          + restored.kind() + " database, not SQLite: ask for its Path instead of a Connection");
    }
    Connection c = readOnly(restored.path());
    // Closed with this context's store: after the test (or the class, for a lifecycle method).
    context.getStore(NAMESPACE).put(new Object(), c);
    return c;
  }

  private static Optional<RestoredCopy> copy(ExtensionContext context) {
    // A store's get looks in the parent contexts' stores too: the method's copy, else the
    // class's, else an enclosing class's.
    return Optional.ofNullable(context.getStore(NAMESPACE).get(COPY, RestoredCopy.class));
  }

  private static Connection readOnly(Path db) {
    SQLiteConfig config = new SQLiteConfig();
    config.setReadOnly(true);
    try {
      return config.createConnection("jdbc:sqlite:" + db);
    } catch (SQLException e) {
      throw new ParameterResolutionException("restore drill: cannot open the restored copy "
          + db + ": " + e.getMessage(), e);
    }
  }
}
