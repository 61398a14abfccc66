package io.tidbbackup.agent;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * One argument of a tool command line. A secret part is kept as a reference to an environment
 * variable and only expanded when the process is started, so printed command lines never carry a
 * secret.
 *
 * @param queryEscaped whether the secret goes into a URL's query, so is URL-encoded when expanded
 *     (a SAS token is itself a query string: {@code sv=…&ss=…&sig=…})
 */
public record Arg(
    String literalPrefix, String secretEnv, String literalSuffix, boolean queryEscaped) {

  public static Arg of(String literal) {
    return new Arg(literal, null, "", false);
  }

  /** {@code prefix + $ENV}, e.g. {@code --password=$BACKUP_MANAGER_PASSWORD}. */
  public static Arg secret(String prefix, String env) {
    return new Arg(prefix, env, "", false);
  }

  /** {@code prefix + urlencode($ENV)}: a secret that is the value of a URL query parameter. */
  public static Arg secretInQuery(String prefix, String env) {
    return new Arg(prefix, env, "", true);
  }

  /** The form shown to people: secrets as {@code $ENV_NAME}. */
  public String display() {
    return secretEnv == null ? literalPrefix : literalPrefix + "$" + secretEnv + literalSuffix;
  }

  /** The form given to the process. */
  public String expand(Map<String, String> env) {
    if (secretEnv == null) {
      return literalPrefix;
    }
    String value = env.get(secretEnv);
    if (value == null) {
      throw new IllegalStateException("environment variable " + secretEnv + " is not set");
    }
    return literalPrefix
        + (queryEscaped ? URLEncoder.encode(value, StandardCharsets.UTF_8) : value)
        + literalSuffix;
  }
}
