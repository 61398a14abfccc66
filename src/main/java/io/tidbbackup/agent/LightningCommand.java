package io.tidbbackup.agent;

import io.tidbbackup.api.JobEnv;
import io.tidbbackup.api.RestoreSpec;
import io.tidbbackup.api.S3StorageProvider;
import io.tidbbackup.api.StorageType;
import io.tidbbackup.storage.StorageLocation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Builds the TiDB Lightning command line that imports a Dumpling export with the {@code tidb}
 * backend, in TiDB Operator v1's flag order. Lightning reads an export directory straight from the
 * object store ({@code --d=s3://…} with the provider's settings as URL parameters); an export kept
 * as one archive (TiDB Operator's {@code .tgz}) is unpacked by the agent first ({@link
 * ExportArchive}) and read from the Job's volume.
 *
 * <p>Secrets never reach its command line: the password ({@code tidb.password}) and a source URL
 * that carries an Azure SAS token ({@code mydumper.data-source-dir}) go into the 0600 config file
 * Lightning reads with {@code --config}, where TiDB Operator passes {@code --tidb-password=} and
 * {@code --d=…&sas-token=}.
 */
public final class LightningCommand {
  public static final String BINARY = JobEnv.LIGHTNING_BIN_DIR + "/tidb-lightning";

  private LightningCommand() {}

  /**
   * The export directory: {@code <provider>.path} ({@code <bucket>/<dir>}) when set, else bucket
   * and prefix.
   */
  public static StorageLocation source(RestoreSpec spec) {
    String path =
        switch (spec.storageType()) {
          case S3 -> spec.s3.path;
          case GCS -> spec.gcs.path;
          case AZBLOB -> spec.azblob.path;
          case LOCAL -> null;
        };
    if (path == null || path.isEmpty()) {
      return StorageLocation.of(spec);
    }
    // "s3://bucket/dir", as TiDB Operator's restore docs write it, or "bucket/dir"
    String clean = StorageLocation.clean(path.replaceFirst("^[A-Za-z][A-Za-z0-9+.-]*://", ""));
    int slash = clean.indexOf('/');
    return slash < 0
        ? new StorageLocation(spec.storageType(), clean, "")
        : new StorageLocation(
            spec.storageType(), clean.substring(0, slash), clean.substring(slash + 1));
  }

  public static ToolCommand build(RestoreInvocation inv, Set<String> presentEnv) {
    RestoreSpec spec = inv.spec();
    List<Arg> args = new ArrayList<>();
    args.add(Arg.of("--status-addr=0.0.0.0:8289"));
    args.add(Arg.of("--backend=tidb"));
    args.add(Arg.of("--server-mode=false"));
    args.add(Arg.of("--log-file=-"));
    args.add(
        Arg.of(
            "--tidb-user="
                + (spec.to.user == null || spec.to.user.isEmpty() ? "root" : spec.to.user)));
    List<ToolConfigFile.Entry> secrets = new ArrayList<>();
    secrets.add(new ToolConfigFile.Entry("tidb", "password", Arg.secret("", JobEnv.PASSWORD)));
    args.add(Arg.of("--tidb-host=" + spec.to.host));
    Arg source = sourceArg(spec, presentEnv);
    if (source.secretEnv() == null) {
      args.add(Arg.of("--d=" + source.literalPrefix()));
    } else {
      secrets.add(new ToolConfigFile.Entry("mydumper", "data-source-dir", source));
    }
    args.add(Arg.of("--tidb-port=" + (spec.to.port == null ? 4000 : spec.to.port)));
    if (spec.tableFilter != null) {
      for (String f : spec.tableFilter) {
        args.add(Arg.of("-f"));
        args.add(Arg.of(f));
      }
    }
    if (inv.clientTls()) {
      args.add(Arg.of("--ca=" + JobEnv.CLIENT_TLS_DIR + "/ca.crt"));
      args.add(Arg.of("--cert=" + JobEnv.CLIENT_TLS_DIR + "/tls.crt"));
      args.add(Arg.of("--key=" + JobEnv.CLIENT_TLS_DIR + "/tls.key"));
    }
    return new ToolCommand(BINARY, args, new ToolConfigFile("--config=", CONFIG_FILE, secrets));
  }

  static final String CONFIG_FILE = "tidb-lightning.toml";

  /**
   * {@code <url>?<provider settings>}; an Azure SAS token is a secret part expanded only for the
   * process.
   */
  static Arg sourceArg(RestoreSpec spec, Set<String> presentEnv) {
    StorageLocation loc = source(spec);
    if (spec.lightningFromArchive()) {
      // TiDB Operator's own Dumpling backups are one .tgz: the agent unpacks it first
      return Arg.of(ExportArchive.localDir(loc).toString());
    }
    Map<String, String> q = new LinkedHashMap<>();
    StorageType type = spec.storageType();
    switch (type) {
      case S3 -> {
        S3StorageProvider s3 = spec.s3;
        put(q, "region", s3.region);
        put(q, "provider", s3.provider);
        put(q, "endpoint", s3.endpoint);
        put(q, "force-path-style", s3.forcePathStyle);
        put(q, "sse", s3.sse);
        put(q, "acl", s3.acl);
        put(q, "storage-class", s3.storageClass);
      }
      case GCS -> {
        put(q, "storage-class", spec.gcs.storageClass);
        put(q, "predefined-acl", spec.gcs.objectAcl);
      }
      case AZBLOB -> {
        put(q, "account-name", spec.azblob.storageAccount);
        put(q, "access-tier", spec.azblob.accessTier);
      }
      case LOCAL -> {}
    }
    String url =
        loc.url()
            + (q.isEmpty()
                ? ""
                : "?"
                    + q.entrySet().stream()
                        .map(e -> e.getKey() + "=" + e.getValue())
                        .collect(Collectors.joining("&")));
    if (type == StorageType.AZBLOB && presentEnv.contains(JobEnv.AZURE_SAS_TOKEN)) {
      return Arg.secretInQuery(
          url + (q.isEmpty() ? "?" : "&") + "sas-token=", JobEnv.AZURE_SAS_TOKEN);
    }
    return Arg.of(url);
  }

  static void put(Map<String, String> q, String key, Object value) {
    if (value != null && !value.toString().isEmpty()) {
      q.put(key, value.toString());
    }
  }
}
