package io.tidbbackup.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tidbbackup.api.BackupSpec;
import io.tidbbackup.api.CleanSpec;
import io.tidbbackup.api.JobEnv;
import io.tidbbackup.api.Serde;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A clean Job reads its part of the spec the operator put in its environment ({@link CleanSpec}).
 */
class AgentEnvironmentCleanSpecTest {

  static AgentEnvironment env(String json) {
    return new AgentEnvironment(Map.of(JobEnv.SPEC, json), Path.of("/nonexistent"));
  }

  @Test
  void theCleanReadsTheStorageAndCleanOptionTheWholeSpecHolds() {
    String json =
        "{\"br\":{\"cluster\":\"basic\"},\"tolerations\":[{\"key\":\"k\",\"operator\":\"Exists\"}],"
            + "\"s3\":{\"provider\":\"aws\",\"bucket\":\"b\",\"prefix\":\"p\"},"
            + "\"cleanOption\":{\"batchConcurrency\":3}}";
    CleanSpec c = env(json).cleanSpec();
    BackupSpec whole = env(json).spec(BackupSpec.class);
    assertThat(Serde.json(c.s3)).isEqualTo(Serde.json(whole.s3));
    assertThat(Serde.json(c.cleanOption)).isEqualTo(Serde.json(whole.cleanOption));
    assertThat(c.cleanOption.batchConcurrency).isEqualTo(3);
  }

  @Test
  void aSpecThatIsNotThereOrNotJsonIsRefusedNamingTheVariable() {
    assertThatThrownBy(() -> new AgentEnvironment(Map.of(), Path.of("/x")).cleanSpec())
        .hasMessageContaining(JobEnv.SPEC + " is not set");
    assertThatThrownBy(() -> env("{not json").cleanSpec())
        .hasMessageStartingWith(JobEnv.SPEC + ": not JSON");
    assertThatThrownBy(() -> env("{\"s3\":{\"bucket\":[1]}}").cleanSpec())
        .hasMessageStartingWith(JobEnv.SPEC + ": spec.s3.bucket: ");
  }
}
