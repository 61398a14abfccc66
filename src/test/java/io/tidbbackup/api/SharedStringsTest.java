package io.tidbbackup.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import org.junit.jupiter.api.Test;

/** What the operator's client reads holds a repeated short value once, and reads it unchanged. */
class SharedStringsTest {
  static final KubernetesSerialization K = TolerantReading.serialization();

  static String job(String name, String message) {
    return """
        {"apiVersion": "batch/v1", "kind": "Job",
         "metadata": {"name": "backup-%s", "namespace": "tidb", "uid": "uid-%s",
                      "labels": {"app.kubernetes.io/component": "backup", "tidb.pingcap.com/backup": "%s"},
                      "finalizers": ["tidb-backup-operator/job"],
                      "ownerReferences": [{"apiVersion": "pingcap.com/v1alpha1", "kind": "Backup",
                                           "name": "%s", "uid": "owner-%s", "controller": true}]},
         "spec": {"backoffLimit": 0},
         "status": {"active": 1, "conditions": [{"type": "Suspended", "status": "False",
                                                 "reason": "JobResumed", "message": "%s"}]}}
        """
        .formatted(name, name, name, name, name, message);
  }

  @Test
  void aRepeatedShortValueIsOneInstanceAcrossObjects() {
    String longMessage = "x".repeat(SharedStrings.MAX_LENGTH + 1);
    Job a = K.unmarshal(job("b1", longMessage), Job.class);
    Job b = K.unmarshal(job("b2", longMessage), Job.class);
    assertThat(b.getMetadata().getNamespace()).isSameAs(a.getMetadata().getNamespace());
    assertThat(b.getMetadata().getLabels().get("app.kubernetes.io/component"))
        .isSameAs(a.getMetadata().getLabels().get("app.kubernetes.io/component"));
    assertThat(b.getMetadata().getFinalizers().get(0))
        .isSameAs(a.getMetadata().getFinalizers().get(0));
    assertThat(b.getMetadata().getOwnerReferences().get(0).getKind())
        .isSameAs(a.getMetadata().getOwnerReferences().get(0).getKind());
    assertThat(b.getStatus().getConditions().get(0).getReason())
        .isSameAs(a.getStatus().getConditions().get(0).getReason());
    // a long value is read as it comes: equal, never looked up
    assertThat(b.getStatus().getConditions().get(0).getMessage())
        .isEqualTo(longMessage)
        .isNotSameAs(a.getStatus().getConditions().get(0).getMessage());
  }

  @Test
  void everyValueReadsAsAPlainReadWouldReadIt() {
    String json = job("b3", "created Job backup-b3");
    Job shared = K.unmarshal(json, Job.class);
    Job plain = new KubernetesSerialization().unmarshal(json, Job.class);
    assertThat(shared).isEqualTo(plain);
    assertThat(shared.getMetadata().getUid()).isEqualTo("uid-b3");
    assertThat(shared.getMetadata().getOwnerReferences().get(0).getName()).isEqualTo("b3");
  }

  @Test
  void ourKindsAreReadThroughTheTableToo() {
    Backup a =
        K.unmarshal(
            "apiVersion: pingcap.com/v1alpha1\nkind: Backup\nmetadata: {name: a, namespace: n}\n"
                + "spec: {br: {cluster: basic}, s3: {provider: aws, bucket: bench, prefix: p/a}}",
            Backup.class);
    Backup b =
        K.unmarshal(
            "apiVersion: pingcap.com/v1alpha1\nkind: Backup\nmetadata: {name: b, namespace: n}\n"
                + "spec: {br: {cluster: basic}, s3: {provider: aws, bucket: bench, prefix: p/b}}",
            Backup.class);
    assertThat(b.getSpec().br.cluster).isSameAs(a.getSpec().br.cluster);
    assertThat(b.getSpec().s3.bucket).isSameAs(a.getSpec().s3.bucket);
    assertThat(b.getSpec().s3.prefix).isEqualTo("p/b");
  }
}
