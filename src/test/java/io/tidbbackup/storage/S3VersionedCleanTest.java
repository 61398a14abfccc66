package io.tidbbackup.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidbbackup.api.CleanOption;
import io.tidbbackup.api.S3StorageProvider;
import io.tidbbackup.api.StorageType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** In a versioned bucket every version and delete marker under the prefix goes (TiDB Operator issue 6066). */
class S3VersionedCleanTest {
  static final String PREFIX = "tidb/basic/backup-1";

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void allVersionsAndDeleteMarkersUnderThePrefixAreRemoved(boolean perObject) throws Exception {
    try (FakeVersionedS3 s3 = new FakeVersionedS3("vbk")) {
      List<String> targets = BackupLayout.snapshotKeys(PREFIX, 700);
      for (int i = 0; i < targets.size(); i++) {
        s3.put(targets.get(i), false);
        if (i % 2 == 0) {
          s3.put(targets.get(i), false); // a second version
        }
        if (i % 7 == 0) {
          s3.put(targets.get(i), true); // deleted by hand earlier: only a delete marker is current
        }
      }
      for (String s : BackupLayout.siblingSentinels("tidb/basic", "backup-1")) {
        s3.put(s, false);
        s3.put(s, false);
      }
      List<String> outside = s3.versions().stream().filter(v -> !v.startsWith(PREFIX + "/")).toList();
      S3StorageProvider p = new S3StorageProvider();
      p.provider = "minio";
      p.bucket = "vbk";
      p.endpoint = s3.endpoint();
      CleanOption o = new CleanOption();
      o.pageSize = 400L;
      o.disableBatchConcurrency = perObject;
      try (S3Store store = S3Store.open(p, new StoreOptions(Map.of("AWS_ACCESS_KEY_ID", "a",
          "AWS_SECRET_ACCESS_KEY", "b"), 16))) {
        CleanReport r = new CleanEngine().clean(store, new StorageLocation(StorageType.S3, "vbk", PREFIX),
            CleanSettings.of(o), false);
        assertThat(r.verified()).as(String.valueOf(r.error())).isTrue();
        assertThat(r.deleted()).isEqualTo(700 + 350 + 100); // versions, second versions, delete markers
      }
      assertThat(s3.versions()).containsExactlyInAnyOrderElementsOf(outside);
    }
  }
}
