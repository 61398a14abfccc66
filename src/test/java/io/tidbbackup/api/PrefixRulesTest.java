package io.tidbbackup.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The Java side of the prefix rule: the same verdicts as the CRD's CEL rule, naming the field. */
class PrefixRulesTest {
  @Test
  void refusedPrefixesNameTheFieldAndWhy() {
    assertThat(PrefixRules.problem("spec.s3.prefix", "team/backup-1%2Fweekly"))
        .hasValueSatisfying(m -> assertThat(m).startsWith("spec.s3.prefix").contains("'%'"));
    assertThat(PrefixRules.problem("spec.local.prefix", "a/../b"))
        .hasValueSatisfying(m -> assertThat(m).contains("'..' segment"));
    assertThat(PrefixRules.problem("p", "a/./b"))
        .hasValueSatisfying(m -> assertThat(m).contains("'.'"));
    assertThat(PrefixRules.problem("p", "a//b"))
        .hasValueSatisfying(m -> assertThat(m).contains("empty"));
    for (String bad : List.of("a?b", "a#b", "a\\b", "a\tb", "a\u007fb", "..", ".")) {
      assertThat(PrefixRules.problem("p", bad)).as(bad).isPresent();
    }
  }

  @Test
  void ordinaryPrefixesPass() {
    for (String ok :
        List.of("team/backup-1", "/leading/and/trailing/", "a.b/c..d/...", "x-1_2~3", "")) {
      assertThat(PrefixRules.problem("p", ok)).as(ok).isEmpty();
    }
    assertThat(PrefixRules.problem("p", null)).isEmpty();
  }
}
