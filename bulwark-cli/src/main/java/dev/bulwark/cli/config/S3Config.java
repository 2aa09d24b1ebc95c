package dev.bulwark.cli.config;

import java.nio.file.Path;

/**
 * How to reach a repository on S3 ({@code s3:} in {@code bulwark.yml}, at the top level for
 * the top-level repository, or in a named repository's block). Every field may be null: the
 * S3 backend's default, or its environment variable, applies. The environment overrides each
 * value (see {@link S3Environment}); credentials come from the environment as a whole when it
 * names any.
 *
 * @param endpoint the service's URL for {@code s3://bucket} locations ({@code AWS_ENDPOINT_URL})
 * @param region the signing region ({@code AWS_REGION})
 * @param pathStyle true for path-style addressing, false for virtual-host ({@code
 *     BULWARK_S3_PATH_STYLE})
 * @param connections parallel transfers, 1 to 128 ({@code BULWARK_S3_CONNECTIONS})
 * @param credentialsFile an AWS-style credentials file ({@code AWS_SHARED_CREDENTIALS_FILE})
 * @param profile the profile to take from it, or from the SDK's usual files ({@code
 *     AWS_PROFILE}); {@code default} when a credentials file is given without one
 * @param accessKeyFile a file holding the access key id ({@code AWS_ACCESS_KEY_ID})
 * @param secretKeyFile a file holding the secret access key ({@code AWS_SECRET_ACCESS_KEY})
 */
public record S3Config(String endpoint, String region, Boolean pathStyle, Integer connections,
    Path credentialsFile, String profile, Path accessKeyFile, Path secretKeyFile) {
  /** Nothing set: the environment and the backend's defaults decide everything. */
  public static final S3Config NONE = new S3Config(null, null, null, null, null, null, null,
      null);

  /** True if nothing is set. */
  public boolean isEmpty() {
    return equals(NONE);
  }
}
