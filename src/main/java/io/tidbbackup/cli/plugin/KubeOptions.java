package io.tidbbackup.cli.plugin;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.tidbbackup.api.Backup;
import io.tidbbackup.api.BackupSchedule;
import io.tidbbackup.api.CompactBackup;
import io.tidbbackup.api.Restore;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import picocli.CommandLine.Option;

/**
 * What every plugin command reads the cluster with: the kubeconfig kubectl uses ({@code
 * KUBECONFIG}, or ~/.kube/config), a context and a namespace as kubectl takes them.
 */
final class KubeOptions {
  @Option(
      names = {"-n", "--namespace"},
      description = "the namespace (default: the kubeconfig context's)")
  String namespace;

  @Option(names = "--context", description = "the kubeconfig context")
  String context;

  KubernetesClient client() {
    return new KubernetesClientBuilder().withConfig(Config.autoConfigure(context)).build();
  }

  String namespace(KubernetesClient k) {
    return namespace != null ? namespace : Objects.toString(k.getNamespace(), "default");
  }

  /** kind/name → the object, for describe and logs. */
  static HasMetadata find(KubernetesClient k, String ns, String ref) {
    String[] p = ref.split("/", 2);
    if (p.length != 2) {
      throw new IllegalArgumentException(ref + ": expected kind/name, e.g. backup/nightly-1");
    }
    Class<? extends HasMetadata> type =
        switch (p[0].toLowerCase(Locale.ROOT)) {
          case "backup", "bk" -> Backup.class;
          case "restore", "rt" -> Restore.class;
          case "compactbackup", "cpbk" -> CompactBackup.class;
          case "backupschedule", "bks" -> BackupSchedule.class;
          default ->
              throw new IllegalArgumentException(
                  p[0] + ": not one of backup, restore, compactbackup, backupschedule");
        };
    HasMetadata o = k.resources(type).inNamespace(ns).withName(p[1]).get();
    if (o == null) {
      throw new IllegalArgumentException("no " + type.getSimpleName() + " " + ns + "/" + p[1]);
    }
    return o;
  }

  /** {@link #find}, or null with why said on stderr. */
  static HasMetadata findOrSay(KubernetesClient k, String ns, String ref) {
    try {
      return find(k, ns, ref);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      return null;
    }
  }

  /** The Jobs an object owns (by its UID), oldest first. */
  static List<Job> jobsOf(KubernetesClient k, HasMetadata o) {
    String uid = o.getMetadata().getUid();
    return k
        .batch()
        .v1()
        .jobs()
        .inNamespace(o.getMetadata().getNamespace())
        .list()
        .getItems()
        .stream()
        .filter(
            j ->
                j.getMetadata().getOwnerReferences().stream().anyMatch(r -> uid.equals(r.getUid())))
        .sorted(
            Comparator.comparing(j -> Objects.toString(j.getMetadata().getCreationTimestamp(), "")))
        .toList();
  }
}
