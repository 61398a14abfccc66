package io.tidbbackup.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.tidbbackup.api.Backup;
import org.junit.jupiter.api.Test;

/** A Job belongs to an object by its UID, never by the name alone. */
class JobsTest {

  static Backup backup(String uid) {
    Backup b = new Backup();
    b.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName("rc").withNamespace("ns")
        .withUid(uid).build());
    return b;
  }

  static Job ownedBy(String uid) {
    return new JobBuilder().withNewMetadata().withName("backup-rc").withNamespace("ns").addNewOwnerReference()
        .withApiVersion("pingcap.com/v1alpha1").withKind("Backup").withName("rc").withUid(uid).withController(true)
        .endOwnerReference().endMetadata().build();
  }

  @Test
  void aJobOfAnEarlierObjectOfTheSameNameIsNotOurs() {
    assertThat(Jobs.belongsTo(ownedBy("uid-old"), backup("uid-new"))).isFalse();
    assertThat(Jobs.belongsTo(ownedBy("uid-new"), backup("uid-new"))).isTrue();
  }

  @Test
  void aNonControllerReferenceDoesNotMakeAJobOurs() {
    Job j = ownedBy("uid-new");
    j.getMetadata().getOwnerReferences().get(0).setController(null);
    assertThat(Jobs.belongsTo(j, backup("uid-new"))).isFalse();
  }

  @Test
  void aJobWithoutOwnerReferencesIsMatchedByName() {
    Job j = new JobBuilder().withNewMetadata().withName("clean-rc").endMetadata().build();
    assertThat(Jobs.belongsTo(j, backup("uid-new"))).isTrue();
  }
}
