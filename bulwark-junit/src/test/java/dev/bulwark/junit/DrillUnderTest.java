package dev.bulwark.junit;

import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Marks a drill class these tests run through {@link DrillRun}: it runs there only, and is
 * disabled when a build selects it directly (say {@code -Dtest='dev.bulwark.junit.**'}), where
 * its variables are not set and it would fail on its own premise.
 */
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@ExtendWith(DrillUnderTest.Condition.class)
@interface DrillUnderTest {

  /** Enables the class only in a run that {@link DrillRun} started. */
  final class Condition implements ExecutionCondition {
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
      return context.getConfigurationParameter(DrillRun.MARKER).isPresent()
          ? ConditionEvaluationResult.enabled("run by DrillRun")
          : ConditionEvaluationResult.disabled("a drill under test runs only through DrillRun");
    }
  }
}
