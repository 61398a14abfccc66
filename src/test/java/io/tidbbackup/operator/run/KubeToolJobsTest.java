package io.tidbbackup.operator.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.tidbbackup.api.Backup;
import io.tidbbackup.api.Restore;
import io.tidbbackup.operator.TestingContext;
import io.tidbbackup.operator.job.Names;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The one tool-Job lifecycle: a Job belongs to an object by its UID, never by the name alone. */
@EnableKubernetesMockClient(crud = true)
class KubeToolJobsTest {
  KubernetesClient client;

  static Backup backup(String name, String uid) {
    Backup b = new Backup();
    b.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace("ns").withUid(uid).build());
    return b;
  }

  static Job ownedBy(String jobName, String kind, String owner, String uid) {
    return new JobBuilder()
        .withNewMetadata()
        .withName(jobName)
        .withNamespace("ns")
        .withUid("job-" + uid)
        .addNewOwnerReference()
        .withApiVersion("pingcap.com/v1alpha1")
        .withKind(kind)
        .withName(owner)
        .withUid(uid)
        .withController(true)
        .endOwnerReference()
        .endMetadata()
        .build();
  }

  static Job clean(String backupName, String backupUid) {
    var meta =
        new ObjectMetaBuilder()
            .withName("clean-" + backupName)
            .withNamespace("ns")
            .addToAnnotations(Names.BACKUP_ANNOTATION, backupName);
    if (backupUid != null) {
      meta.addToAnnotations(Names.BACKUP_UID_ANNOTATION, backupUid);
    }
    return new JobBuilder().withMetadata(meta.build()).build();
  }

  ToolJobs.Step step(Backup owner, String name, boolean expected, Job... jobs) {
    return new KubeToolJobs(client)
        .step(
            new TestingContext<>(owner, client).with((Object[]) jobs),
            owner,
            name,
            "backup",
            expected);
  }

  @Test
  void aJobOfAnEarlierObjectOfTheSameNameIsNotOurs() {
    assertThat(
            ToolJobs.belongsTo(
                ownedBy("backup-rc", "Backup", "rc", "uid-old"), backup("rc", "uid-new")))
        .isFalse();
    assertThat(
            ToolJobs.belongsTo(
                ownedBy("backup-rc", "Backup", "rc", "uid-new"), backup("rc", "uid-new")))
        .isTrue();
  }

  @Test
  void aNonControllerReferenceDoesNotMakeAJobOurs() {
    Job j = ownedBy("backup-rc", "Backup", "rc", "uid-new");
    j.getMetadata().getOwnerReferences().get(0).setController(null);
    assertThat(ToolJobs.belongsTo(j, backup("rc", "uid-new"))).isFalse();
  }

  @Test
  void aCleanJobIsTheBackupsByTheUidAnnotationNotByItsName() {
    assertThat(ToolJobs.belongsTo(clean("rc", "uid-new"), backup("rc", "uid-new"))).isTrue();
    assertThat(ToolJobs.belongsTo(clean("rc", "uid-old"), backup("rc", "uid-new"))).isFalse();
    assertThat(ToolJobs.belongsTo(clean("rc", null), backup("rc", "uid-new"))).isFalse();
    Job byHand = new JobBuilder().withNewMetadata().withName("clean-rc").endMetadata().build();
    assertThat(ToolJobs.belongsTo(byHand, backup("rc", "uid-new"))).isFalse();
  }

  @Test
  void ownJobIsObservedAndOneBeingDeletedIsWaitedFor() {
    Job own = ownedBy("backup-rc", "Backup", "rc", "u1");
    own.setStatus(
        new JobStatusBuilder()
            .withActive(1)
            .withReady(1)
            .withStartTime("2024-01-01T00:00:00Z")
            .build());
    ToolJobs.Step s = step(backup("rc", "u1"), "backup-rc", true, own);
    assertThat(s.kind()).isEqualTo(ToolJobs.Kind.OBSERVED);
    assertThat(s.observation().state()).isEqualTo(JobObservation.State.RUNNING);

    own.getMetadata().setDeletionTimestamp("2024-01-01T00:00:01Z");
    assertThat(step(backup("rc", "u1"), "backup-rc", true, own).kind())
        .isEqualTo(ToolJobs.Kind.WAIT);
  }

  @Test
  void anEarlierObjectsJobIsWaitedForNeverAdoptedAndNeverTakenForDeleted() {
    Job old = ownedBy("backup-rc", "Backup", "rc", "uid-old");
    // even when the status says a Job was created (expected): the old Job is not ours, and ours is
    // not gone
    assertThat(step(backup("rc", "uid-new"), "backup-rc", true, old).kind())
        .isEqualTo(ToolJobs.Kind.WAIT);
    assertThat(step(backup("rc", "uid-new"), "backup-rc", false, old).kind())
        .isEqualTo(ToolJobs.Kind.WAIT);
  }

  @Test
  void anEarlierBackupsCleanJobIsDeletedBecauseNoGarbageCollectorWill() {
    Job old = client.resource(clean("rc", "uid-old")).create();
    ToolJobs.Step s = step(backup("rc", "uid-new"), "clean-rc", false, old);
    assertThat(s.kind()).isEqualTo(ToolJobs.Kind.WAIT);
    assertThat(client.batch().v1().jobs().inNamespace("ns").withName("clean-rc").get()).isNull();
  }

  @Test
  void anotherObjectsJobOrOneMadeByHandHoldsTheName() {
    Job other = ownedBy("backup-lb-log-start", "Backup", "lb", "uid-lb");
    ToolJobs.Step s = step(backup("lb-log-start", "uid-x"), "backup-lb-log-start", false, other);
    assertThat(s.kind()).isEqualTo(ToolJobs.Kind.TAKEN);
    assertThat(s.holder()).isEqualTo("Backup lb");
    assertThat(s.takenMessage()).contains("backup-lb-log-start", "Backup lb");

    Job restoresJob = ownedBy("backup-rc", "Restore", "rc", "uid-r");
    assertThat(step(backup("rc", "uid-b"), "backup-rc", false, restoresJob).holder())
        .isEqualTo("Restore rc");

    Job byHand =
        new JobBuilder()
            .withNewMetadata()
            .withName("clean-rc")
            .withNamespace("ns")
            .endMetadata()
            .build();
    ToolJobs.Step h = step(backup("rc", "uid-b"), "clean-rc", false, byHand);
    assertThat(h.kind()).isEqualTo(ToolJobs.Kind.TAKEN);
    assertThat(h.holder()).contains("no owner");
  }

  @Test
  void aMissingJobIsDeletedWhenTheStatusSaysItWasCreatedElseItIsToBeCreated() {
    assertThat(step(backup("rc", "u1"), "backup-rc", true).kind()).isEqualTo(ToolJobs.Kind.DELETED);
    assertThat(step(backup("rc", "u1"), "backup-rc", false).kind()).isEqualTo(ToolJobs.Kind.ABSENT);
  }

  @Test
  void createTellsOurOwnLateJobFromAnEarlierObjectsAndFromANameTaken() {
    Backup b = backup("rc", "uid-new");
    ToolJobs jobs = new KubeToolJobs(client);
    var ctx = new TestingContext<>(b, client);

    Job ours = ownedBy("backup-rc", "Backup", "rc", "uid-new");
    ours.getMetadata().setUid(null);
    assertThat(jobs.create(ctx, b, ours).outcome()).isEqualTo(ToolJobs.Created.CREATED);
    // created again (a reconcile whose cache had not seen it): still ours, not a conflict
    assertThat(jobs.create(ctx, b, ours).outcome()).isEqualTo(ToolJobs.Created.CREATED);

    client.resource(ownedBy("backup-x", "Backup", "x", "uid-old")).create();
    Backup x = backup("x", "uid-x-new");
    Job xs = ownedBy("backup-x", "Backup", "x", "uid-x-new");
    xs.getMetadata().setUid(null);
    assertThat(jobs.create(new TestingContext<>(x, client), x, xs).outcome())
        .isEqualTo(ToolJobs.Created.WAIT);

    Restore r = new Restore();
    r.setMetadata(
        new ObjectMetaBuilder().withName("rc").withNamespace("ns").withUid("uid-r").build());
    Job rs = ownedBy("backup-rc", "Restore", "rc", "uid-r");
    rs.getMetadata().setUid(null);
    ToolJobs.Creation c = jobs.create(new TestingContext<>(r, client), r, rs);
    assertThat(c.outcome()).isEqualTo(ToolJobs.Created.TAKEN);
    assertThat(c.holder()).isEqualTo("Backup rc");
    assertThat(
            client
                .batch()
                .v1()
                .jobs()
                .inNamespace("ns")
                .withName("backup-rc")
                .get()
                .getMetadata()
                .getOwnerReferences()
                .get(0)
                .getUid())
        .isEqualTo("uid-new");
    assertThat(Map.of()).isEmpty();
  }
}
