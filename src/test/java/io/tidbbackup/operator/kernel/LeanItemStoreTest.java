package io.tidbbackup.operator.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The informers' store keeps what the operator reads, not managedFields or last-applied. */
class LeanItemStoreTest {

  @Test
  void anObjectIsStoredWithoutManagedFieldsAndLastAppliedButWithEverythingElse() {
    Job job = new Job();
    job.setMetadata(
        new ObjectMetaBuilder()
            .withName("backup-b1")
            .withNamespace("tidb")
            .withResourceVersion("42")
            .withLabels(Map.of("app.kubernetes.io/name", "backup"))
            .withAnnotations(
                Map.of(
                    LeanItemStore.LAST_APPLIED,
                    "{\"a\":\"copy of the object\"}",
                    "tidb-backup-operator/backup-uid",
                    "u1"))
            .withManagedFields(new ManagedFieldsEntryBuilder().withManager("kubectl").build())
            .build());
    LeanItemStore<Job> store = new LeanItemStore<>();
    store.put(store.getKey(job), job);
    Job kept = store.get("tidb/backup-b1");
    assertThat(kept.getMetadata().getManagedFields()).isNullOrEmpty();
    assertThat(kept.getMetadata().getAnnotations())
        .containsOnlyKeys("tidb-backup-operator/backup-uid");
    assertThat(kept.getMetadata().getLabels()).containsEntry("app.kubernetes.io/name", "backup");
    assertThat(kept.getMetadata().getResourceVersion()).isEqualTo("42");
  }

  @Test
  void aToolJobIsStoredWithoutItsSpecButWithItsStatusAndOwner() {
    Job job =
        new io.fabric8.kubernetes.api.model.batch.v1.JobBuilder()
            .withNewMetadata()
            .withName("backup-b1")
            .withNamespace("tidb")
            .addNewOwnerReference()
            .withUid("u1")
            .withKind("Backup")
            .withController(true)
            .endOwnerReference()
            .endMetadata()
            .withNewSpec()
            .withBackoffLimit(0)
            .withNewTemplate()
            .withNewSpec()
            .addNewContainer()
            .withName("backup")
            .withArgs("backup", "--storage", "s3://bucket/prefix")
            .endContainer()
            .endSpec()
            .endTemplate()
            .endSpec()
            .withNewStatus()
            .withActive(1)
            .withReady(0)
            .endStatus()
            .build();
    LeanItemStore<Job> store = LeanItemStore.jobs();
    store.put(store.getKey(job), job);
    Job kept = store.get("tidb/backup-b1");
    assertThat(kept.getSpec()).isNull();
    assertThat(kept.getStatus().getActive()).isEqualTo(1);
    assertThat(kept.getMetadata().getOwnerReferences())
        .singleElement()
        .extracting("uid")
        .isEqualTo("u1");
  }
}
