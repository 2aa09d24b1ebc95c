package dev.bulwark.spring;

import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.autoconfigure.health.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * With actuator on the class path: health {@code bulwark}, the Micrometer meters and the
 * {@code bulwark} endpoint. Each part is left out when its library is absent.
 */
@AutoConfiguration(after = BulwarkAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnBean(BulwarkJobs.class)
public class BulwarkActuatorAutoConfiguration {
  /** Created by Spring Boot's auto-configuration. */
  public BulwarkActuatorAutoConfiguration() {}

  @Bean
  @ConditionalOnEnabledHealthIndicator("bulwark")
  BulwarkHealthIndicator bulwarkHealthIndicator(BulwarkJobs jobs, BulwarkStream stream,
      RepositoryProbe probe, BulwarkSettings settings) {
    return new BulwarkHealthIndicator(jobs, stream, probe, settings.maxLag());
  }

  @Bean
  @ConditionalOnAvailableEndpoint
  BulwarkEndpoint bulwarkEndpoint(BulwarkJobs jobs) {
    return new BulwarkEndpoint(jobs);
  }

  /** The meters, when Micrometer is there (it comes with actuator). */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(MeterBinder.class)
  static class Meters {
    @Bean
    BulwarkMeters bulwarkMeters(BulwarkJobs jobs, BulwarkStream stream, RepositoryProbe probe) {
      return new BulwarkMeters(jobs, stream, probe);
    }
  }
}
