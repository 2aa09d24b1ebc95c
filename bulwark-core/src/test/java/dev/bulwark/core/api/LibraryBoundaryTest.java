package dev.bulwark.core.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.core.backend.Backend;
import dev.bulwark.core.backend.BackendProvider;
import dev.bulwark.core.backend.FileInfo;
import dev.bulwark.core.backend.Handle;
import dev.bulwark.core.backend.RateLimits;
import dev.bulwark.core.backup.BackupOptions;
import dev.bulwark.core.backup.FileMeta;
import dev.bulwark.core.backup.FileSource;
import dev.bulwark.core.backup.Source;
import dev.bulwark.core.backup.SourceEntry;
import dev.bulwark.core.backup.SourceView;
import dev.bulwark.core.check.CheckResult;
import dev.bulwark.core.crypto.Kdf;
import dev.bulwark.core.job.CheckpointPolicy;
import dev.bulwark.core.job.JobYieldedException;
import dev.bulwark.core.job.YieldFile;
import dev.bulwark.core.job.YieldSignal;
import dev.bulwark.core.prune.PruneOptions;
import dev.bulwark.core.prune.PruneResult;
import dev.bulwark.core.repo.DatabaseTags;
import dev.bulwark.core.repo.Snapshot;
import dev.bulwark.core.restore.DatabaseKind;
import dev.bulwark.core.restore.DatabaseRestorer;
import dev.bulwark.core.restore.GroupRestorer;
import dev.bulwark.core.restore.RestoreOption;
import dev.bulwark.core.restore.RestoredBytes;
import dev.bulwark.core.retention.ForgetGroup;
import dev.bulwark.core.retention.ForgetPlan;
import dev.bulwark.core.retention.GroupBy;
import dev.bulwark.core.retention.GroupKey;
import dev.bulwark.core.retention.KeepWithin;
import dev.bulwark.core.retention.KeptSnapshot;
import dev.bulwark.core.retention.RetentionPolicy;
import dev.bulwark.core.retention.StreamRetention;
import dev.bulwark.core.stream.Durability;
import dev.bulwark.core.stream.PageSetChecksum;
import dev.bulwark.core.stream.PlannedSegment;
import dev.bulwark.core.stream.ReplayPlan;
import dev.bulwark.core.stream.ReplayTarget;
import dev.bulwark.core.stream.ReplicationOptions;
import dev.bulwark.core.stream.Replicator;
import dev.bulwark.core.stream.SegmentRef;
import dev.bulwark.core.stream.StartupPolicy;
import dev.bulwark.core.stream.StartupReport;
import dev.bulwark.core.stream.StreamPoint;
import dev.bulwark.core.stream.StreamPosition;
import dev.bulwark.core.stream.StreamTags;
import java.io.IOException;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Member;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The library boundary (see docs/library.md): what a user of the library can reach from the
 * API names only exported types. Exported are the {@code api} package, the shared words (the
 * root package) and the few types of internal packages listed here: the extension points and
 * the values the API takes and returns. Everything else (Repository, the engines, the key) is
 * internal to Bulwark, used by its sibling modules only, and may change in any release.
 */
class LibraryBoundaryTest {
  private static final Set<String> EXPORTED_PACKAGES =
      Set.of("dev.bulwark.core", "dev.bulwark.core.api");

  /** Exported types of internal packages; keep in step with docs/library.md. */
  private static final Set<Class<?>> EXPORTED_TYPES = Set.of(
      // extension points
      Source.class, SourceView.class, SourceView.EntryVisitor.class, SourceEntry.class,
      SourceEntry.Kind.class, SourceEntry.Content.class, SourceEntry.Reuse.class, FileMeta.class,
      DatabaseKind.class,
      Backend.class, BackendProvider.class, Handle.class, FileInfo.class, RateLimits.class,
      // values the API takes and returns
      FileSource.class, BackupOptions.class, Kdf.Params.class, Snapshot.class,
      RestoreOption.class, DatabaseRestorer.Result.class, DatabaseRestorer.Outcome.class,
      GroupRestorer.Result.class, GroupRestorer.Member.class, RestoredBytes.class,
      CheckResult.class, CheckResult.Streams.class, RetentionPolicy.class,
      RetentionPolicy.Builder.class, KeepWithin.class,
      ForgetPlan.class, ForgetGroup.class, GroupKey.class, GroupBy.class, GroupBy.Field.class,
      KeptSnapshot.class, PruneOptions.class, PruneOptions.Mode.class, PruneResult.class,
      StreamRetention.class, Replicator.class, ReplicationOptions.class, Durability.class,
      // the start-up check: what it lets through, and what it found
      StartupPolicy.class, StartupReport.class, StartupReport.Outcome.class, StreamPoint.class,
      // point-in-time restore: the target, and the plan a restore reports
      ReplayTarget.class, ReplayTarget.Newest.class, ReplayTarget.At.class,
      ReplayTarget.Txid.class, ReplayTarget.Position.class, StreamPosition.class,
      ReplayPlan.class, PlannedSegment.class, SegmentRef.class, StreamTags.class,
      PageSetChecksum.class, DatabaseTags.class,
      // long jobs: how often they checkpoint, and what asks them to yield
      CheckpointPolicy.class, YieldSignal.class, YieldFile.class, JobYieldedException.class);

  @Test
  void theApiNamesOnlyExportedTypes() throws Exception {
    List<Class<?>> api = apiClasses();
    assertThat(api).contains(Bulwark.class, BulwarkRepository.class, Database.class);
    assertThat(internalTypesNamedBy(api)).isEmpty();
  }

  /** Whatever the API hands out must not lead further in: exported types name exported types. */
  @Test
  void exportedTypesNameOnlyExportedTypes() {
    assertThat(internalTypesNamedBy(List.copyOf(EXPORTED_TYPES))).isEmpty();
  }

  /**
   * The release javadoc covers the boundary: bulwark-core/pom.xml names each exported type's file
   * of an internal package (its {@code sourceFileIncludes}), so a type added here without its file
   * would ship without a page, and with its file its missing comments fail the release build.
   */
  @Test
  void releaseJavadocIncludesEveryExportedType() throws Exception {
    Path classes =
        Path.of(LibraryBoundaryTest.class.getProtectionDomain().getCodeSource().getLocation()
            .toURI());
    String pom = Files.readString(classes.resolve("../../pom.xml").normalize());
    Set<String> missing = new TreeSet<>();
    for (Class<?> c : EXPORTED_TYPES) {
      Class<?> top = c;
      while (top.getEnclosingClass() != null) {
        top = top.getEnclosingClass();
      }
      String file = top.getName().replace('.', '/') + ".java";
      if (!pom.contains("<include>" + file + "</include>")) {
        missing.add(file);
      }
    }
    assertThat(missing).as("files of exported types missing from the javadoc includes").isEmpty();
  }

  /** The check itself finds an internal type: the facade's old {@code repository()} would fail. */
  @Test
  void theCheckSeesInternalTypes() {
    assertThat(internalTypesNamedBy(List.of(Leaky.class)))
        .anyMatch(s -> s.contains("dev.bulwark.core.repo.Repository"));
  }

  /** A stand-in for an API class that hands out an internal type. */
  public static final class Leaky {
    public dev.bulwark.core.repo.Repository repository() {
      throw new UnsupportedOperationException();
    }
  }

  private static Set<String> internalTypesNamedBy(List<Class<?>> classes) {
    Set<String> out = new TreeSet<>();
    for (Class<?> c : classes) {
      if (!Modifier.isPublic(c.getModifiers())) {
        continue;
      }
      List<Type> named = new ArrayList<>();
      named.add(c.getGenericSuperclass());
      named.addAll(List.of(c.getGenericInterfaces()));
      for (Field f : c.getFields()) {
        if (visible(f)) {
          named.add(f.getGenericType());
        }
      }
      List<Executable> execs = new ArrayList<>(List.of(c.getConstructors()));
      execs.addAll(List.of(c.getMethods()));
      for (Executable e : execs) {
        if (!visible(e)) {
          continue;
        }
        if (e instanceof java.lang.reflect.Method m) {
          named.add(m.getGenericReturnType());
        }
        named.addAll(List.of(e.getGenericParameterTypes()));
        named.addAll(List.of(e.getGenericExceptionTypes()));
      }
      for (Type t : named) {
        collect(t, c, out, new ArrayList<>());
      }
    }
    return out;
  }

  /** Members declared by Bulwark's own types (not those inherited from Object or Enum). */
  private static boolean visible(Member m) {
    return m.getDeclaringClass().getName().startsWith("dev.bulwark.");
  }

  private static void collect(Type t, Class<?> where, Set<String> out, List<Type> seen) {
    if (t == null || seen.contains(t)) {
      return;
    }
    seen.add(t);
    if (t instanceof Class<?> k) {
      Class<?> top = k;
      while (top.isArray()) {
        top = top.getComponentType();
      }
      if (!exported(top)) {
        out.add(where.getName() + " names " + top.getName());
      }
    } else if (t instanceof ParameterizedType p) {
      collect(p.getRawType(), where, out, seen);
      for (Type a : p.getActualTypeArguments()) {
        collect(a, where, out, seen);
      }
    } else if (t instanceof GenericArrayType g) {
      collect(g.getGenericComponentType(), where, out, seen);
    } else if (t instanceof WildcardType w) {
      Stream.of(w.getUpperBounds()).forEach(b -> collect(b, where, out, seen));
      Stream.of(w.getLowerBounds()).forEach(b -> collect(b, where, out, seen));
    } else if (t instanceof TypeVariable<?> v) {
      Stream.of(v.getBounds()).forEach(b -> collect(b, where, out, seen));
    }
  }

  private static boolean exported(Class<?> c) {
    return c.isPrimitive() || c.getName().startsWith("java.")
        || EXPORTED_PACKAGES.contains(c.getPackageName()) || EXPORTED_TYPES.contains(c);
  }

  /** The public classes of the api package, read from the compiled classes. */
  private static List<Class<?>> apiClasses()
      throws IOException, URISyntaxException, ClassNotFoundException {
    Path root = Path.of(Bulwark.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    Path pkg = root.resolve("dev/bulwark/core/api");
    List<Class<?>> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(pkg)) {
      for (Path f : files.sorted().toList()) {
        String name = f.getFileName().toString();
        if (name.endsWith(".class") && !name.equals("package-info.class")) {
          out.add(Class.forName("dev.bulwark.core.api." + name.replace(".class", "")));
        }
      }
    }
    return out;
  }
}
