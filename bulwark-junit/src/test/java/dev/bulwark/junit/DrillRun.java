package dev.bulwark.junit;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;
import org.junit.platform.testkit.engine.Events;

/**
 * Runs a drill class on the Jupiter engine as a build would (EngineTestKit), with the given
 * configuration parameters standing for the CI's variables, and tells how it ended.
 */
final class DrillRun {
  /** The configuration parameter that enables the {@link DrillUnderTest} classes. */
  static final String MARKER = "bulwark.drill.under-test";

  private final Map<String, String> parameters = new LinkedHashMap<>(Map.of(MARKER, "true"));

  /** Sets the configuration parameter (a placeholder's value) {@code name}. */
  DrillRun with(String name, String value) {
    parameters.put(name, value);
    return this;
  }

  /** Runs {@code drillClass}. */
  Outcome run(Class<?> drillClass) {
    EngineExecutionResults results = EngineTestKit.engine("junit-jupiter")
        .configurationParameters(parameters)
        .selectors(selectClass(drillClass))
        .execute();
    return new Outcome(results.testEvents(), results.containerEvents());
  }

  /** The events of one run. */
  record Outcome(Events tests, Events containers) {
    /** The messages of the tests and containers that failed, in order. */
    List<String> failures() {
      return messages(tests.failed().stream().toList(), containers.failed().stream().toList());
    }

    /** The messages of the tests and containers that were aborted (skipped), in order. */
    List<String> aborted() {
      return messages(tests.aborted().stream().toList(), containers.aborted().stream().toList());
    }

    private static List<String> messages(List<Event> a, List<Event> b) {
      return java.util.stream.Stream.concat(a.stream(), b.stream())
          .map(e -> e.getPayload(TestExecutionResult.class).orElseThrow().getThrowable()
              .map(t -> String.valueOf(t.getMessage())).orElse("(no exception)"))
          .toList();
    }
  }
}
