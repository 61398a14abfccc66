package io.tidbbackup.agent;

import io.tidbbackup.api.Encryption;
import io.tidbbackup.api.EncryptionKey;
import io.tidbbackup.api.JobEnv;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * BR's encryption flags for the parts of spec.encryption the Job mounted (the operator tells the
 * agent only those, by their methods): each method, and the path of the file its key is mounted as;
 * never a key. BR defines them all as persistent flags of its root command ({@code
 * DefineCommonFlags} in br/pkg/task/common.go): {@code --crypter.*} in every modelled release,
 * {@code --log.crypter.*} and {@code --master-key*} from v8.5 (tools/br.tsv); the validator refuses
 * a release without them before a Job exists.
 */
public final class EncryptionFlags {
  private EncryptionFlags() {}

  /** The flags of each part, as BR names them (method flag, key flag, the key flag's value). */
  public static final Map<String, String[]> FLAGS =
      Map.of(
          Encryption.SNAPSHOT, new String[] {"crypter.method", "crypter.key-file", ""},
          Encryption.LOG, new String[] {"log.crypter.method", "log.crypter.key-file", ""},
          Encryption.MASTER_KEY,
              new String[] {"master-key-crypter-method", "master-key", "local://"});

  public static List<Arg> forBr(Encryption e) {
    List<Arg> args = new ArrayList<>();
    if (e == null) {
      return args;
    }
    for (Map.Entry<String, EncryptionKey> p : e.parts().entrySet()) {
      if (p.getValue().method == null) {
        continue; // read tolerantly as unset; the operator calls such a spec Invalid
      }
      String[] f = FLAGS.get(p.getKey());
      args.add(Arg.of("--" + f[0] + "=" + p.getValue().method.value()));
      args.add(Arg.of("--" + f[1] + "=" + f[2] + JobEnv.encryptionKeyFile(p.getKey())));
    }
    return args;
  }
}
