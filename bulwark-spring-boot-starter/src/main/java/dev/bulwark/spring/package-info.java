/**
 * Bulwark's Spring Boot starter: {@link dev.bulwark.spring.BulwarkAutoConfiguration}, bound to
 * {@link dev.bulwark.spring.BulwarkProperties} ({@code bulwark.*}), restores a missing database
 * and checks its stream position before the application's {@code DataSource} exists ({@link
 * dev.bulwark.spring.RestoreGate}), streams it while the application runs ({@link
 * dev.bulwark.spring.BulwarkStream}), and, with actuator, reports its health, metrics and an
 * endpoint.
 */
@NullMarked
package dev.bulwark.spring;

import org.jspecify.annotations.NullMarked;
