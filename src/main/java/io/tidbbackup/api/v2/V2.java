package io.tidbbackup.api.v2;

/** Group and version of TiDB Operator v2's backup API. */
public final class V2 {
  public static final String GROUP = "br.pingcap.com";
  public static final String VERSION = "v1alpha1";
  public static final String API_VERSION = GROUP + "/" + VERSION;

  /** v2's finalizer, on Backups that need a clean and on Restores still running. */
  public static final String FINALIZER = "pingcap.com/finalizer";

  private V2() {}
}
