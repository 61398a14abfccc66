package io.tidbbackup.operator.kernel;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import java.util.Map;

/**
 * An informer's store that keeps each object without what the operator never reads: {@code
 * metadata.managedFields} (server-side apply's bookkeeping, often larger than the spec) and
 * kubectl's {@code last-applied-configuration} annotation (a second copy of the object). At
 * thousands of Backups and Jobs these are most of the cache. Writes are unaffected: a status update
 * without managedFields keeps the server's, and finalizers go by patch.
 *
 * <p>{@link #jobs()} keeps tool Jobs without their spec as well: the operator reads a cached Job's
 * metadata and status only (it builds Jobs from their owner and never updates one). The pod
 * template (containers, args, env, volumes) is most of a Job's size; the rest of the spec (limits,
 * selector) is five more objects per Job, about 4 MiB at 10,000 Jobs.
 */
public final class LeanItemStore<R extends HasMetadata> extends BasicItemStore<R> {
  static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

  private final java.util.function.UnaryOperator<R> trim;

  public LeanItemStore() {
    this(java.util.function.UnaryOperator.identity());
  }

  private LeanItemStore(java.util.function.UnaryOperator<R> trim) {
    super(Cache::metaNamespaceKeyFunc);
    this.trim = trim;
  }

  /** The store of a tool Job informer: lean, and without the Jobs' specs. */
  public static LeanItemStore<io.fabric8.kubernetes.api.model.batch.v1.Job> jobs() {
    return new LeanItemStore<>(LeanItemStore::withoutSpec);
  }

  @Override
  public R put(String key, R obj) {
    return super.put(key, trim.apply(lean(obj)));
  }

  /** The Job without {@code spec} (in place). */
  static io.fabric8.kubernetes.api.model.batch.v1.Job withoutSpec(
      io.fabric8.kubernetes.api.model.batch.v1.Job job) {
    if (job != null) {
      job.setSpec(null);
    }
    return job;
  }

  /** The object without managedFields and the last-applied annotation (in place). */
  static <R extends HasMetadata> R lean(R obj) {
    if (obj != null && obj.getMetadata() != null) {
      obj.getMetadata().setManagedFields(null);
      Map<String, String> a = obj.getMetadata().getAnnotations();
      if (a != null && a.containsKey(LAST_APPLIED)) {
        Map<String, String> rest = new java.util.LinkedHashMap<>(a);
        rest.remove(LAST_APPLIED);
        obj.getMetadata().setAnnotations(rest);
      }
    }
    return obj;
  }
}
