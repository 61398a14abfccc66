package io.tidbbackup.operator.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidbbackup.api.Backup;
import io.tidbbackup.api.BackupSchedule;
import io.tidbbackup.api.Serde;
import io.tidbbackup.operator.validation.BackupValidator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every BackupSchedule in examples/ is valid and its first child is a valid Backup with a prefix of
 * its own.
 */
class ScheduleExamplesTest {

  @Test
  void examplesAreValidAndTheirChildrenToo() throws Exception {
    List<Path> files;
    try (Stream<Path> s = Files.list(Path.of("examples"))) {
      files = s.filter(p -> p.getFileName().toString().startsWith("schedule-")).sorted().toList();
    }
    assertThat(files).hasSizeGreaterThanOrEqualTo(2);
    for (Path f : files) {
      BackupSchedule bs = Serde.YAML.readValue(f.toFile(), BackupSchedule.class);
      bs.getMetadata().setCreationTimestamp("2024-01-01T00:00:00Z");
      assertThat(SchedulePlanner.problems(bs.getSpec())).as("%s", f).isEmpty();
      SchedulePlanner.Plan p =
          SchedulePlanner.plan(bs, List.of(), Instant.parse("2024-01-02T00:00:00Z"));
      Backup child = p.create();
      assertThat(child).as("%s fires within a day", f).isNotNull();
      assertThat(BackupValidator.validate(child.getSpec(), "v8.5.0")).as("%s child", f).isEmpty();
      if (p.createLog() != null) {
        assertThat(BackupValidator.validate(p.createLog().getSpec(), "v8.5.0"))
            .as("%s log child", f)
            .isEmpty();
        assertThat(p.createLog().getSpec().s3.prefix).isNotEqualTo(child.getSpec().s3.prefix);
      }
    }
  }
}
