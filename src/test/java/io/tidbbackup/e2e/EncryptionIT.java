package io.tidbbackup.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.tidbbackup.api.Backup;
import io.tidbbackup.api.BackupCondition;
import io.tidbbackup.api.Restore;
import io.tidbbackup.api.Serde;
import io.tidbbackup.controlplane.LocalCluster;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * spec.encryption on the real node: the key of a Secret reaches the stand-in {@code br} (which
 * reads BR's encryption flags as BR v8.5 does) as a read-only file of mode 0400 in the tool's
 * container, readable there through the pod's fsGroup; the backupmeta in S3 is encrypted with
 * exactly that key; a Restore naming the same key restores it, one without a key or with another
 * fails as BR does; a key file that is not hex fails the run with BR's message; a BR release
 * without log encryption is Invalid before any Job. The key is never in a Job's args or env, a
 * status, an event, the operator's log or the tool's output. (br.pingcap.com: V2ApiIT.)
 */
class EncryptionIT {
  static final String BUCKET = "encryption";
  static final String SECRET = "br-keys";
  static LocalCluster cluster;
  static KubernetesClient k;
  static S3Client s3;
  static String ns;
  static LocalCluster.RunningOperator operator;
  static final OperatorLog LOG = new OperatorLog();
  static final String KEY = hex(32);
  static final String OTHER_KEY = hex(32);

  static String hex(int bytes) {
    byte[] b = new byte[bytes];
    new SecureRandom().nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  @BeforeAll
  static void start() throws Exception {
    cluster = LocalCluster.get();
    k = cluster.admin;
    s3 = cluster.s3();
    E2E.bucket(s3, BUCKET);
    ns = cluster.namespace("enc");
    k.resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName(SECRET)
                .withNamespace(ns)
                .endMetadata()
                .withStringData(
                    Map.of(
                        "snapshot.key",
                        KEY + "\n",
                        "other.key",
                        OTHER_KEY,
                        "bad.key",
                        "not a hex key\n"))
                .build())
        .create();
    LOG.attach();
    operator = cluster.startOperator(Set.of(ns));
  }

  @AfterAll
  static void stop() {
    if (operator != null) {
      operator.close();
    }
    LOG.detach();
  }

  static String storage(String prefix) {
    return "s3:\n  provider: ceph\n  secretName: s3-secret\n  endpoint: "
        + cluster.s3Endpoint()
        + "\n  forcePathStyle: true\n  bucket: "
        + BUCKET
        + "\n  prefix: "
        + prefix
        + "\n";
  }

  static String snapshotKey(String key) {
    return "encryption:\n  snapshot:\n    method: aes256-ctr\n    secretKeyRef: {name: "
        + SECRET
        + ", key: "
        + key
        + "}\n";
  }

  @Test
  void anEncryptedBackupRestoresWithItsKeyOnlyAndTheKeyIsNeverSaid() throws Exception {
    apply(
        "Backup",
        "e1",
        "br:\n  cluster: basic\n" + storage("team/e1") + snapshotKey("snapshot.key"));
    Backup done = awaitEnd(Backup.class, "e1");
    Pod pod = pod("backup-e1");
    assertThat(done.getStatus().phase)
        .as("pod: %s; log: %s", pod.getStatus(), log(pod))
        .isEqualTo("Complete");

    // the Job's pod: the one Secret key as a read-only file of mode 0400 in the tool's container
    Volume v =
        pod.getSpec().getVolumes().stream()
            .filter(x -> x.getName().equals("encryption-snapshot"))
            .findFirst()
            .orElseThrow();
    assertThat(v.getSecret().getSecretName()).isEqualTo(SECRET);
    assertThat(v.getSecret().getDefaultMode()).isEqualTo(0400);
    assertThat(v.getSecret().getItems())
        .singleElement()
        .satisfies(i -> assertThat(i.getKey() + "→" + i.getPath()).isEqualTo("snapshot.key→key"));
    Container main = pod.getSpec().getContainers().get(0);
    assertThat(main.getVolumeMounts())
        .anySatisfy(
            m -> {
              assertThat(m.getName()).isEqualTo("encryption-snapshot");
              assertThat(m.getMountPath()).isEqualTo("/var/lib/br-encryption/snapshot");
              assertThat(m.getReadOnly()).isTrue();
            });
    assertThat(pod.getSpec().getInitContainers().get(0).getVolumeMounts())
        .noneMatch(m -> m.getName().startsWith("encryption-"));
    // BR was given the file's path, and read the key from it: the backupmeta is the BackupTS
    // encrypted with exactly that key (AES-256-CTR after a 16-byte IV, as BR writes it)
    assertThat(log(pod))
        .contains("--crypter.method=aes256-ctr")
        .contains("--crypter.key-file=/var/lib/br-encryption/snapshot/key");
    byte[] meta =
        s3.getObjectAsBytes(b -> b.bucket(BUCKET).key("team/e1/backupmeta")).asByteArray();
    assertThat(new String(meta, StandardCharsets.ISO_8859_1))
        .doesNotContain(done.getStatus().commitTs);
    assertThat(decrypt(KEY, meta)).isEqualTo(done.getStatus().commitTs);

    // a Restore given the same reference restores it; without a key, or with another, BR fails
    apply(
        "Restore",
        "r-same",
        "br:\n  cluster: basic\n" + storage("team/e1") + snapshotKey("snapshot.key"));
    apply("Restore", "r-nokey", "br:\n  cluster: basic\n" + storage("team/e1"));
    apply(
        "Restore",
        "r-other",
        "br:\n  cluster: basic\n" + storage("team/e1") + snapshotKey("other.key"));
    Restore same = awaitEnd(Restore.class, "r-same");
    assertThat(same.getStatus().phase)
        .as("log: %s", log(pod("restore-r-same")))
        .isEqualTo("Complete");
    assertThat(same.getStatus().commitTs).isEqualTo(done.getStatus().commitTs);
    for (String name : List.of("r-nokey", "r-other")) {
      Restore failed = awaitEnd(Restore.class, name);
      assertThat(failed.getStatus().phase).as(name).isEqualTo("Failed");
      assertThat(messages(failed.getStatus().conditions))
          .as(name)
          .contains("parse backupmeta failed because of wrong aes cipher");
    }

    // the key appears nowhere it could be read from: Jobs' args and env, statuses, events, the
    // operator's log, the tool's output
    List<String> said = new ArrayList<>();
    for (var job : E2E.jobs(k, ns)) {
      Container c = job.getSpec().getTemplate().getSpec().getContainers().get(0);
      said.add(Serde.json(c.getArgs()) + Serde.json(c.getEnv()));
    }
    said.add(Serde.json(E2E.backup(k, ns, "e1").getStatus()));
    for (String r : List.of("r-same", "r-nokey", "r-other")) {
      said.add(Serde.json(E2E.restore(k, ns, r).getStatus()));
    }
    k.v1().events().inNamespace(ns).list().getItems().forEach(e -> said.add(Serde.json(e)));
    said.add(LOG.toString());
    for (Pod p : k.pods().inNamespace(ns).list().getItems()) {
      said.add(log(p));
    }
    assertThat(said).hasSizeGreaterThan(8);
    for (String text : said) {
      assertThat(text).doesNotContain(KEY).doesNotContain(OTHER_KEY);
    }
  }

  /** A key file BR cannot use fails the run with BR's own message, naming no key. */
  @Test
  void aKeyFileThatIsNotHexFailsTheRunAsBrDoes() {
    apply(
        "Backup",
        "e-bad",
        "backoffRetryPolicy: {maxRetryTimes: 0}\nbr:\n  cluster: basic\n"
            + storage("team/e-bad")
            + snapshotKey("bad.key"));
    await()
        .atMost(Duration.ofSeconds(180))
        .pollInterval(Duration.ofSeconds(1))
        .until(
            () -> E2E.backup(k, ns, "e-bad"),
            b ->
                b.getStatus() != null
                    && messages(b.getStatus().conditions)
                        .contains("cipher key must be a valid hexadecimal string"));
    assertThat(E2E.keys(s3, BUCKET, "team/e-bad/")).isEmpty();
  }

  /**
   * BR v8.1 has no --log.crypter.*: a log backup asking for it through a v8.1 image is Invalid,
   * naming the field and the release, and no Job is made; so is a key in br.options beside the
   * field.
   */
  @Test
  void whatBrCannotDoIsInvalidBeforeAnyJob() {
    apply(
        "Backup",
        "l-old",
        "backupMode: log\ntoolImage: pingcap/br:v8.1.0\nbr:\n  cluster: basic\n"
            + storage("team/l-old")
            + "encryption:\n  log: {method: aes128-ctr, secretKeyRef: {name: "
            + SECRET
            + ", key: other.key}}\n");
    apply(
        "Backup",
        "opt",
        "br:\n  cluster: basic\n  options: [\"--crypter.key-file=/tmp/k\"]\n"
            + storage("team/opt")
            + snapshotKey("snapshot.key"));
    Backup old = E2E.awaitBackup(k, ns, "l-old", E2E.phase("Invalid"));
    assertThat(messages(old.getStatus().conditions))
        .contains(
            "spec.encryption.log: BR v8.1.0 (the Job's br log start) has no --log.crypter.method");
    Backup opt = E2E.awaitBackup(k, ns, "opt", E2E.phase("Invalid"));
    assertThat(messages(opt.getStatus().conditions))
        .contains("spec.br.options sets --crypter.key-file and spec.encryption is set");
    assertThat(E2E.jobs(k, ns)).noneMatch(j -> j.getMetadata().getName().contains("l-old"));
    assertThat(E2E.jobs(k, ns)).noneMatch(j -> j.getMetadata().getName().endsWith("-opt"));
  }

  // ---- helpers

  static String decrypt(String hexKey, byte[] meta) throws Exception {
    Cipher c = Cipher.getInstance("AES/CTR/NoPadding");
    c.init(
        Cipher.DECRYPT_MODE,
        new SecretKeySpec(HexFormat.of().parseHex(hexKey), "AES"),
        new IvParameterSpec(java.util.Arrays.copyOf(meta, 16)));
    return new String(c.doFinal(meta, 16, meta.length - 16), StandardCharsets.UTF_8);
  }

  static String messages(List<BackupCondition> conditions) {
    return conditions == null
        ? ""
        : String.join("\n", conditions.stream().map(c -> String.valueOf(c.message)).toList());
  }

  static Pod pod(String job) {
    return k.pods().inNamespace(ns).withLabel("job-name", job).list().getItems().get(0);
  }

  static String log(Pod pod) {
    try {
      return k.pods()
          .inNamespace(ns)
          .withName(pod.getMetadata().getName())
          .inContainer(pod.getSpec().getContainers().get(0).getName())
          .getLog();
    } catch (RuntimeException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  static <T extends io.fabric8.kubernetes.client.CustomResource<?, ?>> T awaitEnd(
      Class<T> type, String name) {
    return await()
        .atMost(Duration.ofSeconds(180))
        .pollInterval(Duration.ofSeconds(1))
        .until(
            () -> k.resources(type).inNamespace(ns).withName(name).get(),
            o ->
                o.getStatus() instanceof io.tidbbackup.api.HasPhase p
                    && ("Complete".equals(p.currentPhase()) || "Failed".equals(p.currentPhase())));
  }

  static void apply(String kind, String name, String spec) {
    String yaml =
        "apiVersion: pingcap.com/v1alpha1\nkind: "
            + kind
            + "\nmetadata: {name: "
            + name
            + ", namespace: "
            + ns
            + "}\nspec:\n"
            + spec.indent(2);
    Class<? extends io.fabric8.kubernetes.api.model.HasMetadata> type =
        kind.equals("Backup") ? Backup.class : Restore.class;
    k.resource(Serde.YAML.convertValue(RealNodeIT.readTree(yaml), type)).create();
  }
}
