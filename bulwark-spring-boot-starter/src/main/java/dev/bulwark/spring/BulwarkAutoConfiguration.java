package dev.bulwark.spring;

import dev.bulwark.core.api.BulwarkRepository;
import dev.bulwark.core.api.Database;
import java.time.Clock;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.util.ClassUtils;

/**
 * Bulwark for a Spring Boot application, active when {@code bulwark.repository} is set: the
 * repository, the restore gate every {@code DataSource} (and RocksDB bean) waits for, the
 * stream, and the scheduled snapshots, retention and verification.
 */
@AutoConfiguration
@ConditionalOnProperty(prefix = "bulwark", name = "repository")
@EnableConfigurationProperties(BulwarkProperties.class)
public class BulwarkAutoConfiguration {
  /** Created by Spring Boot's auto-configuration. */
  public BulwarkAutoConfiguration() {}

  /** Every DataSource waits for the gate. */
  @Bean
  static BeanFactoryPostProcessor bulwarkDataSourcesAfterRestoreGate() {
    return new OpenAfterRestoreGate(DataSource.class);
  }

  /** Every RocksDB handle waits for the gate, when RocksDB is on the class path. */
  @Bean
  @ConditionalOnClass(name = RocksDbSupport.ROCKSDB_CLASS)
  static BeanFactoryPostProcessor bulwarkRocksDbAfterRestoreGate() throws ClassNotFoundException {
    return new OpenAfterRestoreGate(ClassUtils.forName(RocksDbSupport.ROCKSDB_CLASS,
        BulwarkAutoConfiguration.class.getClassLoader()));
  }

  @Bean
  BulwarkSettings bulwarkSettings(BulwarkProperties properties) {
    return BulwarkSettings.of(properties);
  }

  @Bean
  RepositoryOpener.Opened bulwarkOpenedRepository(BulwarkProperties properties,
      BulwarkSettings settings) {
    return RepositoryOpener.open(properties);
  }

  /** The open repository; the application may use it too (it is thread-safe). */
  @Bean(destroyMethod = "close")
  BulwarkRepository bulwarkRepository(RepositoryOpener.Opened opened) {
    return opened.repository();
  }

  @Bean(OpenAfterRestoreGate.GATE)
  RestoreGate bulwarkRestoreGate(BulwarkRepository repo, BulwarkSettings settings,
      BulwarkProperties properties) {
    RestoreGate gate = new RestoreGate(repo, settings, properties.isAutoRestore());
    gate.pass();
    return gate;
  }

  @Bean
  BulwarkStream bulwarkStream(BulwarkRepository repo, BulwarkSettings settings,
      RestoreGate gate) {
    return new BulwarkStream(repo, settings, gate);
  }

  @Bean
  BulwarkJobs bulwarkJobs(BulwarkRepository repo, BulwarkSettings settings,
      BulwarkStream stream, ListableBeanFactory beans) {
    Supplier<Database> live = settings.kind() == BulwarkProperties.Kind.ROCKSDB
        ? () -> RocksDbSupport.live(beans, settings.database()) : settings::database;
    return new BulwarkJobs(repo, settings, stream, live, Clock.systemUTC());
  }

  @Bean
  RepositoryProbe bulwarkRepositoryProbe(RepositoryOpener.Opened opened) {
    return new RepositoryProbe(opened.backend());
  }
}
