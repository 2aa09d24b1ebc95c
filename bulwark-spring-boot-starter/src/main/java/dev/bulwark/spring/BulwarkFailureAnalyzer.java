package dev.bulwark.spring;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Turns a {@link BulwarkStartupException} anywhere in a failed start into Spring Boot's
 * "APPLICATION FAILED TO START" report: its one line as the description, what to do as the
 * action, instead of a stack of bean creation errors.
 */
public final class BulwarkFailureAnalyzer extends AbstractFailureAnalyzer<BulwarkStartupException> {
  /** Created by Spring Boot from {@code META-INF/spring.factories}. */
  public BulwarkFailureAnalyzer() {}

  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, BulwarkStartupException cause) {
    return new FailureAnalysis("Bulwark: " + cause.getMessage(), cause.action(), cause);
  }
}
