package dev.bulwark.core.testing;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.PackageMatcher;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Packages stacked in layers, bottom up, as the architecture tests state them: a class may use
 * its own package and the packages of lower layers, never one of its own layer or above, and
 * every class under the root belongs to a listed package.
 *
 * <p>A package is named relative to the root in ArchUnit's syntax: {@code "tree"} is exactly
 * {@code root.tree}, {@code "core.."} is {@code root.core} with its subpackages, {@code ""} is
 * the root itself. Immutable; {@link #above} gives a new stack.
 */
public final class PackageLayers {
  private final String root;
  private final List<List<String>> layers;

  private PackageLayers(String root, List<List<String>> layers) {
    this.root = root;
    this.layers = layers;
  }

  /** An empty stack for the packages under {@code root} (and {@code root} itself). */
  public static PackageLayers under(String root) {
    return new PackageLayers(root, List.of());
  }

  /** This stack with one more layer on top, holding {@code packages}. */
  public PackageLayers above(String... packages) {
    List<List<String>> more = new ArrayList<>(layers);
    more.add(List.of(packages));
    return new PackageLayers(root, List.copyOf(more));
  }

  /** Every class under the root is in a listed package and uses only lower layers. */
  public ArchRule usesOnlyLowerLayers() {
    return classes()
        .that().resideInAPackage(root + "..")
        .should(new ArchCondition<JavaClass>("use only packages of lower layers, " + this) {
          @Override
          public void check(JavaClass origin, ConditionEvents events) {
            Optional<Place> from = placeOf(origin);
            if (from.isEmpty()) {
              events.add(SimpleConditionEvent.violated(origin, origin.getName()
                  + " is in package " + origin.getPackageName() + ", which has no layer"));
              return;
            }
            for (Dependency d : origin.getDirectDependenciesFromSelf()) {
              JavaClass target = d.getTargetClass().getBaseComponentType();
              String pkg = target.getPackageName();
              if (!pkg.equals(root) && !pkg.startsWith(root + ".")) {
                continue;
              }
              // A target with no layer is reported as its own class's violation.
              Optional<Place> to = placeOf(target);
              if (to.isPresent() && !from.get().mayUse(to.get())) {
                events.add(SimpleConditionEvent.violated(d, d.getDescription() + ": "
                    + from.get() + " may use only lower layers, not " + to.get()));
              }
            }
          }
        });
  }

  /**
   * Fails naming each listed package that holds none of {@code classes}: the table has to
   * follow a package that moved or went.
   */
  public void assertEveryPackageHoldsAClass(JavaClasses classes) {
    List<String> empty = new ArrayList<>();
    for (List<String> layer : layers) {
      for (String p : layer) {
        PackageMatcher m = matcher(p);
        if (classes.stream().noneMatch(c -> m.matches(c.getPackageName()))) {
          empty.add(absolute(p));
        }
      }
    }
    if (!empty.isEmpty()) {
      throw new AssertionError("listed in the layers but holding no class: " + empty);
    }
  }

  /** The layers bottom up, e.g. {@code 0 [""] < 1 [crypto, chunk]}. */
  @Override
  public String toString() {
    List<String> shown = new ArrayList<>();
    for (int i = 0; i < layers.size(); i++) {
      shown.add(i + " " + layers.get(i).stream()
          .map(p -> p.isEmpty() ? "(root)" : p)
          .collect(Collectors.joining(", ", "[", "]")));
    }
    return root + ": " + String.join(" < ", shown);
  }

  private Optional<Place> placeOf(JavaClass c) {
    for (int i = 0; i < layers.size(); i++) {
      for (String p : layers.get(i)) {
        if (matcher(p).matches(c.getPackageName())) {
          return Optional.of(new Place(p, i));
        }
      }
    }
    return Optional.empty();
  }

  private PackageMatcher matcher(String relative) {
    return PackageMatcher.of(absolute(relative));
  }

  private String absolute(String relative) {
    return relative.isEmpty() ? root : root + "." + relative;
  }

  /** A listed package and its layer. */
  private record Place(String pkg, int layer) {
    boolean mayUse(Place other) {
      return pkg.equals(other.pkg) || other.layer < layer;
    }

    @Override
    public String toString() {
      return (pkg.isEmpty() ? "(root)" : pkg) + " (layer " + layer + ")";
    }
  }
}
