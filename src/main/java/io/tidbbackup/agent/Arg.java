package io.tidbbackup.agent;

import java.util.Map;

/**
 * One argument of a tool command line. A secret part is kept as a reference to an environment
 * variable and only expanded when the process is started, so printed command lines never carry a
 * secret.
 */
public record Arg(String literalPrefix, String secretEnv, String literalSuffix) {

  public static Arg of(String literal) {
    return new Arg(literal, null, "");
  }

  /** {@code prefix + $ENV}, e.g. {@code --password=$BACKUP_MANAGER_PASSWORD}. */
  public static Arg secret(String prefix, String env) {
    return new Arg(prefix, env, "");
  }

  public static Arg secret(String prefix, String env, String suffix) {
    return new Arg(prefix, env, suffix);
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
    return literalPrefix + value + literalSuffix;
  }
}
