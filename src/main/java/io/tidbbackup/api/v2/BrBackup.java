package io.tidbbackup.api.v2;

import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;
import io.tidbbackup.api.Backup;

/** A Backup of TiDB Operator v2's API ({@code br.pingcap.com}): BR only, a v2 Cluster. */
@Group(V2.GROUP)
@Version(V2.VERSION)
@Kind("Backup")
@ShortNames("bk")
@Plural("backups")
@ValidationRule(
    value = "has(self.spec.br) && has(self.spec.br.cluster)",
    message = "spec.br.cluster: required: TiDB Operator v2's API backs up with BR, from a Cluster")
public class BrBackup extends Backup {}
