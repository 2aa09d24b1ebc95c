/**
 * Repositories in an S3 bucket, in restic's S3 object layout: {@link dev.bulwark.s3.S3Backend}
 * stores each file as one object, and {@link dev.bulwark.s3.S3BackendProvider} lets {@code
 * Backends.open} find it for {@code s3:} locations through the {@link java.util.ServiceLoader}.
 */
@NullMarked
package dev.bulwark.s3;

import org.jspecify.annotations.NullMarked;
