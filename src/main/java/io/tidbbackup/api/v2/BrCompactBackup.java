package io.tidbbackup.api.v2;

import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;
import io.tidbbackup.api.CompactBackup;

/**
 * A CompactBackup of TiDB Operator v2's API ({@code br.pingcap.com}), which v2 ships but does not
 * run: here it runs as v1's does, against a v2 Cluster.
 */
@Group(V2.GROUP)
@Version(V2.VERSION)
@Kind("CompactBackup")
@ShortNames("cpbk")
@Plural("compactbackups")
public class BrCompactBackup extends CompactBackup {}
