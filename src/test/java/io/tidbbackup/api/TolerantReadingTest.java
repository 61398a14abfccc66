package io.tidbbackup.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a strict read would fail on (and with it the whole informer) is read, and written down. */
class TolerantReadingTest {
  static final KubernetesSerialization K = TolerantReading.serialization();

  static Backup read(String spec) {
    return K.unmarshal(
        "apiVersion: pingcap.com/v1alpha1\nkind: Backup\nmetadata: {name: a, namespace: n}\nspec:\n"
            + spec,
        Backup.class);
  }

  @Test
  void anUnknownEnumValueReadsAsUnsetAndIsNamedWithItsValue() {
    Backup b = read("  br: {cluster: c}\n  backupMode: volume-snapshot\n");
    assertThat(b.getSpec().backupMode).isNull();
    assertThat(TolerantReading.problems(b))
        .hasValue(
            "spec.backupMode: \"volume-snapshot\" is not a value this operator serves (snapshot, log)");
    Backup c = read("  br: {cluster: c}\n  cleanPolicy: delete\n");
    assertThat(TolerantReading.problems(c).orElseThrow())
        .contains("spec.cleanPolicy: \"delete\"", "Delete");
  }

  @Test
  void unknownFieldsAnywhereInTheSpecAreSkippedAndNamed() {
    Backup b =
        read("  br: {cluster: c, surprise: {deep: [1, 2]}}\n  federalVolumeBackupPhase: x\n");
    assertThat(b.getSpec().br.cluster).isEqualTo("c");
    assertThat(TolerantReading.problems(b).orElseThrow())
        .contains(
            "spec.br.surprise: unknown field", "spec.federalVolumeBackupPhase: unknown field");
  }

  @Test
  void aListWithOneUnreadableItemReadsEveryItemAndMarksOnlyThatOne() {
    String list =
        """
        apiVersion: pingcap.com/v1alpha1
        kind: BackupList
        metadata: {}
        items:
        - {apiVersion: pingcap.com/v1alpha1, kind: Backup, metadata: {name: ok}, spec: {br: {cluster: c}}}
        - {apiVersion: pingcap.com/v1alpha1, kind: Backup, metadata: {name: bad}, spec: {backupMode: volume-snapshot}}
        """;
    var items =
        K.unmarshal(
                new java.io.ByteArrayInputStream(
                    list.getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                new com.fasterxml.jackson.core.type.TypeReference<
                    io.fabric8.kubernetes.api.model.DefaultKubernetesResourceList<Backup>>() {})
            .getItems();
    assertThat(items).extracting(x -> x.getMetadata().getName()).isEqualTo(List.of("ok", "bad"));
    assertThat(TolerantReading.problems(items.get(0))).isEmpty();
    assertThat(TolerantReading.problems(items.get(1)).orElseThrow()).contains("spec.backupMode");
  }

  @Test
  void aReadableObjectHasNoProblems() {
    assertThat(TolerantReading.problems(read("  br: {cluster: c}\n  backupMode: log\n"))).isEmpty();
  }
}
