package io.tidbbackup.api.v2;

import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;
import io.tidbbackup.api.BackupSchedule;

/**
 * A BackupSchedule of TiDB Operator v2's API ({@code br.pingcap.com}), which v2 ships but does not
 * run: here it runs with the same planner and retention as v1's, its children are {@code
 * br.pingcap.com} Backups and CompactBackups, and {@code spec.compactSpan} stands for v1's {@code
 * compactInterval}.
 */
@Group(V2.GROUP)
@Version(V2.VERSION)
@Kind("BackupSchedule")
@ShortNames("bks")
@Plural("backupschedules")
public class BrBackupSchedule extends BackupSchedule {}
