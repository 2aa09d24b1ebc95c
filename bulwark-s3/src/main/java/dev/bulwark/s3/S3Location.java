package dev.bulwark.s3;

import dev.bulwark.core.BulwarkException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Where an S3 repository lives and how to reach it, parsed from a location and the environment.
 *
 * <p>Locations: {@code s3:http(s)://host[:port]/bucket[/prefix]} (restic's form, path-style
 * addressing by default), {@code s3:host/bucket[/prefix]} (the same over https) and {@code
 * s3://bucket[/prefix]} (endpoint from {@code AWS_ENDPOINT_URL}, else AWS itself; virtual-host
 * addressing by default). {@code BULWARK_S3_PATH_STYLE} overrides the addressing, {@code
 * BULWARK_S3_CONNECTIONS} sets the parallel transfers (default 5), {@code AWS_REGION} / {@code
 * AWS_DEFAULT_REGION} the region (default us-east-1).
 *
 * @param endpoint the service endpoint, or null for AWS's own endpoint of the region
 * @param bucket the bucket name
 * @param prefix the key prefix without leading or trailing slash, possibly empty
 */
public record S3Location(URI endpoint, String bucket, String prefix, String region,
    boolean pathStyle, int connections) {
  /** Environment variable forcing path-style ({@code true}) or virtual-host addressing. */
  public static final String PATH_STYLE = "BULWARK_S3_PATH_STYLE";
  /** Environment variable with the number of parallel transfers. */
  public static final String CONNECTIONS = "BULWARK_S3_CONNECTIONS";

  private static final int DEFAULT_CONNECTIONS = 5;
  // S3's rules for bucket names, loosened to what S3-compatible stores also accept (dots,
  // underscores), but never a slash or an empty name.
  private static final Pattern BUCKET = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9._-]{1,62}");

  /**
   * Parses {@code location} (which starts with {@code s3:}) with settings from {@code env}.
   *
   * @param location the repository location, e.g. {@code s3:https://host:9000/bucket/prefix} or
   *     {@code s3:s3.amazonaws.com/bucket}
   * @param env the environment to read the S3 settings from ({@code AWS_*} variables), usually
   *     {@code System.getenv()}
   * @return the parsed location
   * @throws BulwarkException with one line naming what is wrong
   */
  public static S3Location parse(String location, Map<String, String> env)
      throws BulwarkException {
    if (!location.startsWith("s3:")) {
      throw new BulwarkException("not an S3 location (expected s3:...): " + redact(location));
    }
    String rest = location.substring(3);
    URI endpoint;
    String path;
    boolean defaultPathStyle;
    if (rest.startsWith("//")) {
      // s3://bucket/prefix: the endpoint comes from the environment.
      path = rest.substring(2);
      String ep = env.get("AWS_ENDPOINT_URL_S3");
      if (ep == null || ep.isBlank()) {
        ep = env.get("AWS_ENDPOINT_URL");
      }
      endpoint = ep == null || ep.isBlank() ? null : endpointOf(ep.strip(), "AWS_ENDPOINT_URL");
      defaultPathStyle = false;
    } else {
      String url = rest.startsWith("http://") || rest.startsWith("https://")
          ? rest : "https://" + rest;
      URI u;
      try {
        u = new URI(url);
      } catch (URISyntaxException e) {
        throw new BulwarkException("bad S3 location " + redact(location) + ": " + e.getReason()
            + "; expected s3:https://host[:port]/bucket[/prefix]");
      }
      if (u.getHost() == null || u.getHost().isEmpty()) {
        throw new BulwarkException("bad S3 location " + redact(location)
            + ": no host; expected s3:https://host[:port]/bucket[/prefix]");
      }
      if (u.getRawUserInfo() != null) {
        throw new BulwarkException("S3 location " + redact(location) + " holds credentials; "
            + "give them in AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY instead");
      }
      if (u.getRawQuery() != null || u.getRawFragment() != null) {
        throw new BulwarkException("bad S3 location " + redact(location)
            + ": no query or fragment allowed");
      }
      endpoint = URI.create(u.getScheme() + "://" + u.getRawAuthority());
      path = u.getPath() == null ? "" : u.getPath();
      defaultPathStyle = true;
    }
    while (path.startsWith("/")) {
      path = path.substring(1);
    }
    int slash = path.indexOf('/');
    String bucket = slash < 0 ? path : path.substring(0, slash);
    String prefix = slash < 0 ? "" : path.substring(slash + 1);
    prefix = prefix.replaceAll("/+", "/").replaceAll("^/|/$", "");
    if (bucket.isEmpty()) {
      throw new BulwarkException("S3 location " + redact(location) + " names no bucket; "
          + "expected s3:https://host/bucket[/prefix] or s3://bucket[/prefix]");
    }
    if (!BUCKET.matcher(bucket).matches()) {
      throw new BulwarkException("S3 location " + redact(location) + ": '" + bucket
          + "' is not a valid bucket name (3-63 letters, digits, '.', '-' or '_')");
    }
    String region = firstSet(env, "AWS_REGION", "AWS_DEFAULT_REGION");
    return new S3Location(endpoint, bucket, prefix, region == null ? "us-east-1" : region,
        pathStyle(env, defaultPathStyle), connections(env));
  }

  /**
   * The key of {@code name} (e.g. {@code data/ab/ab12...}) under the prefix.
   *
   * @param name the repository file's name, relative to the repository root
   * @return the object key, the prefix (if any) in front
   */
  public String key(String name) {
    return prefix.isEmpty() ? name : prefix + "/" + name;
  }

  /**
   * This location as the user would write it; it never holds credentials.
   *
   * @return the location as {@code s3:...}, for messages and logs
   */
  public String display() {
    String tail = bucket + (prefix.isEmpty() ? "" : "/" + prefix);
    return endpoint == null ? "s3://" + tail : "s3:" + endpoint + "/" + tail;
  }

  private static URI endpointOf(String url, String variable) throws BulwarkException {
    try {
      URI u = new URI(url);
      if (u.getScheme() == null || u.getHost() == null
          || !(u.getScheme().equals("http") || u.getScheme().equals("https"))) {
        throw new BulwarkException(variable + " must be an http(s)://host[:port] URL");
      }
      if (u.getRawUserInfo() != null) {
        throw new BulwarkException(variable + " must not hold credentials");
      }
      return URI.create(u.getScheme() + "://" + u.getRawAuthority());
    } catch (URISyntaxException e) {
      throw new BulwarkException(variable + " is not a URL: " + e.getReason());
    }
  }

  private static boolean pathStyle(Map<String, String> env, boolean dflt)
      throws BulwarkException {
    String v = env.get(PATH_STYLE);
    if (v == null || v.isBlank()) {
      return dflt;
    }
    return switch (v.strip().toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new BulwarkException(PATH_STYLE + " must be true or false, not '" + v
          + "'");
    };
  }

  private static int connections(Map<String, String> env) throws BulwarkException {
    String v = env.get(CONNECTIONS);
    if (v == null || v.isBlank()) {
      return DEFAULT_CONNECTIONS;
    }
    try {
      int n = Integer.parseInt(v.strip());
      if (n >= 1 && n <= 128) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new BulwarkException(CONNECTIONS + " must be a number from 1 to 128, not '" + v + "'");
  }

  private static String firstSet(Map<String, String> env, String... names) {
    for (String n : names) {
      String v = env.get(n);
      if (v != null && !v.isBlank()) {
        return v.strip();
      }
    }
    return null;
  }

  // A location that failed to parse may still hold user:password@; never repeat that part.
  private static String redact(String location) {
    return "'" + location.replaceAll("//[^/@]*@", "//***@") + "'";
  }
}
