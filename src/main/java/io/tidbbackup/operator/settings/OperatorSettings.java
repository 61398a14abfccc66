package io.tidbbackup.operator.settings;

import io.tidbbackup.operator.job.JobSettings;
import io.tidbbackup.operator.surface.ApiSurface;
import java.util.Set;

/**
 * Operator-wide settings.
 *
 * @param watchNamespaces namespaces to watch; empty means all
 * @param jobs image and pull policy of the Jobs
 * @param defaultTikvVersion the tool version when neither a TidbCluster nor spec.toolImage says one
 * @param serverSideApply JOSDK's server-side apply for finalizers (off for the mock API server in
 *     tests)
 * @param clean how failed clean Jobs are retried
 * @param leaseNamespace where the leader-election Lease lives; null runs without leader election
 *     (one replica)
 * @param intervals how long each kind of wait lasts before a reconcile looks again
 * @param pdEndpointOverride where the operator reaches every cluster's PD (its etcd, for a log
 *     backup's checkpoint) instead of {@code <cluster>-pd.<namespace>:2379}; null in a cluster
 * @param selector a label selector: only the Backups, Restores, BackupSchedules and CompactBackups
 *     it matches are served (a move staged object by object, docs/migration.md); null serves all
 * @param apiGroups the API groups served
 * @param holdSecrets whether the operator keeps its finalizer on the Secrets that Backups' cleans
 *     need until no clean needs them (chart value holdSecrets); false: Secrets are never touched
 */
public record OperatorSettings(
    Set<String> watchNamespaces,
    JobSettings jobs,
    String defaultTikvVersion,
    boolean serverSideApply,
    CleanJobPolicy clean,
    String leaseNamespace,
    ReconcileIntervals intervals,
    String pdEndpointOverride,
    String selector,
    Set<ApiSurface> apiGroups,
    boolean holdSecrets) {
  /** The Lease that elects the one active replica. */
  public static final String LEASE_NAME = "tidb-backup-operator";

  public static final String DEFAULT_TIKV_VERSION = "v8.5.0";

  /** Both API groups: TiDB Operator v1's pingcap.com and v2's br.pingcap.com. */
  public static final Set<ApiSurface> BOTH_GROUPS =
      java.util.Collections.unmodifiableSet(java.util.EnumSet.allOf(ApiSurface.class));

  /**
   * The default: TiDB Operator v1's pingcap.com only. Serving br.pingcap.com too is a choice: with
   * both groups' CRDs installed, {@code kubectl get bk} means br.pingcap.com's Backups.
   */
  public static final Set<ApiSurface> V1_ONLY =
      java.util.Collections.unmodifiableSet(java.util.EnumSet.of(ApiSurface.V1));

  /** Serves these API groups only (their CRDs must be installed). */
  public OperatorSettings withApiGroups(Set<ApiSurface> groups) {
    return new OperatorSettings(
        watchNamespaces,
        jobs,
        defaultTikvVersion,
        serverSideApply,
        clean,
        leaseNamespace,
        intervals,
        pdEndpointOverride,
        selector,
        groups,
        holdSecrets);
  }

  public static OperatorSettings defaults() {
    return new OperatorSettings(
        Set.of(),
        JobSettings.defaults(),
        DEFAULT_TIKV_VERSION,
        true,
        CleanJobPolicy.defaults(),
        null,
        ReconcileIntervals.defaults(),
        null,
        null,
        V1_ONLY,
        true);
  }

  public OperatorSettings withServerSideApply(boolean ssa) {
    return new OperatorSettings(
        watchNamespaces,
        jobs,
        defaultTikvVersion,
        ssa,
        clean,
        leaseNamespace,
        intervals,
        pdEndpointOverride,
        selector,
        apiGroups,
        holdSecrets);
  }

  public OperatorSettings withClean(CleanJobPolicy policy) {
    return new OperatorSettings(
        watchNamespaces,
        jobs,
        defaultTikvVersion,
        serverSideApply,
        policy,
        leaseNamespace,
        intervals,
        pdEndpointOverride,
        selector,
        apiGroups,
        holdSecrets);
  }

  public OperatorSettings withJobs(JobSettings settings) {
    return new OperatorSettings(
        watchNamespaces,
        settings,
        defaultTikvVersion,
        serverSideApply,
        clean,
        leaseNamespace,
        intervals,
        pdEndpointOverride,
        selector,
        apiGroups,
        holdSecrets);
  }

  public OperatorSettings withLeaderElection(String namespace) {
    return new OperatorSettings(
        watchNamespaces,
        jobs,
        defaultTikvVersion,
        serverSideApply,
        clean,
        namespace,
        intervals,
        pdEndpointOverride,
        selector,
        apiGroups,
        holdSecrets);
  }

  /** Holds the Secrets cleans need, or never touches a Secret. */
  public OperatorSettings withHoldSecrets(boolean hold) {
    return new OperatorSettings(
        watchNamespaces,
        jobs,
        defaultTikvVersion,
        serverSideApply,
        clean,
        leaseNamespace,
        intervals,
        pdEndpointOverride,
        selector,
        apiGroups,
        hold);
  }
}
