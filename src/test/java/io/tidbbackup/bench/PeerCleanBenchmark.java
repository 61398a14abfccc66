package io.tidbbackup.bench;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.tidbbackup.controlplane.ControlPlane;
import io.tidbbackup.controlplane.LocalCluster;
import io.tidbbackup.storage.BackupLayout;
import io.tidbbackup.storage.FaultProxy;
import io.tidbbackup.storage.TestingS3;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.junit.S3ProxyExtension;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Our cleaner against TiDB Operator's own ({@code backup-manager clean}, release-1.6), side by side
 * on the same server and the same data, apart from the tests (issue 29). Runs only when given
 * {@code -Dbench.peer.bin=<dir>} holding the binaries {@code
 * controlplane/peer/build-tidb-operator.sh} builds (and the Backup CRD it copies there).
 *
 * <p>Ours is {@code agent clean -f backup.yaml} from the production jar with the image's JVM flags,
 * as {@link ScaleCleanBenchmark} runs it. Theirs is {@code backup-manager clean --namespace
 * --backupName --kubeconfig}: it reads the Backup from an API server, so a private test control
 * plane (etcd and kube-apiserver) serves TiDB Operator's Backup CRD and the same Backup. Both get
 * the credentials in {@code AWS_ACCESS_KEY_ID}/{@code AWS_SECRET_ACCESS_KEY} and {@code
 * AWS_EC2_METADATA_DISABLED=true}.
 *
 * <p>Cases ({@code -Dbench.peer.cases}, default all four): {@code s3proxy:20000} and {@code
 * s3proxy:100000} (s3proxy's in-memory store in this JVM behind the counting {@link FaultProxy};
 * the prefix planted afresh before every run, with sentinels beside it that must survive), {@code
 * synthetic:1000000:0} and {@code synthetic:1000000:20} ({@link SyntheticS3}, a fresh endpoint per
 * run, 0 or 20 ms added to every request). Each case runs {@code -Dbench.peer.rounds} rounds
 * (default 2), the order alternating. A run fails when its process exits non-zero, an object is
 * left under the prefix, a sentinel is gone, or a delete strays outside the prefix. {@code
 * -Dbench.peer.ourJar=<jar>} runs another build's agent as ours (an A/B of a change to the cleaner
 * against the same peer).
 */
public final class PeerCleanBenchmark {
  static final String NS = "peer-bench";
  static final String BUCKET = "peer";
  static final String PARENT = "br/cluster-1";
  static final String NAME = "backup-1";
  static final String PREFIX = PARENT + "/" + NAME;

  record Case(String store, int objects, long latencyMs) {
    static Case parse(String s) {
      String[] p = s.trim().split(":");
      return new Case(p[0], Integer.parseInt(p[1]), p.length > 2 ? Long.parseLong(p[2]) : 0);
    }

    String key() {
      String size =
          objects >= 1_000_000 && objects % 1_000_000 == 0
              ? objects / 1_000_000 + "m"
              : objects / 1000 + "k";
      return store + "_" + size + (store.equals("synthetic") ? "_" + latencyMs + "ms" : "");
    }
  }

  /**
   * One clean: wall time (process start to exit), the time inside the process (ours: the clean's
   * own report; theirs: its first log line to its last, the Backup's read included), requests the
   * server saw, the process's peak RSS, and what it left.
   */
  record Run(
      Case c,
      String side,
      int round,
      double seconds,
      double inProcess,
      double cpuSeconds,
      long lists,
      long deletes,
      long other,
      long rssKib,
      int exit,
      long left,
      List<String> lostSentinels,
      long stray) {
    boolean ok() {
      return exit == 0 && left == 0 && lostSentinels.isEmpty() && stray == 0;
    }
  }

  /** Ours: the production jar, or another build's (-Dbench.peer.ourJar). */
  static final Path OUR_JAR =
      Path.of(System.getProperty("bench.peer.ourJar", ScaleCleanBenchmark.JAR.toString()));

  public static void main(String[] args) throws Exception {
    String bin = System.getProperty("bench.peer.bin", "").trim();
    if (bin.isEmpty()) {
      System.out.println(
          "PeerCleanBenchmark: skipped, no -Dbench.peer.bin=<dir>. It compares agent clean with"
              + " TiDB Operator's backup-manager clean; build that first with"
              + " controlplane/peer/build-tidb-operator.sh <tidb-operator checkout or git dir> <dir>");
      return;
    }
    Path peer = Path.of(bin).toAbsolutePath();
    for (String f : List.of("backup-manager", "pingcap.com_backups.yaml")) {
      if (!Files.exists(peer.resolve(f))) {
        throw new IllegalStateException(
            "-Dbench.peer.bin="
                + peer
                + " has no "
                + f
                + " (build-tidb-operator.sh puts it there)");
      }
    }
    if (!Files.exists(OUR_JAR)) {
      throw new IllegalStateException(OUR_JAR + " is missing: run after package");
    }
    List<Case> cases = new ArrayList<>();
    String spec =
        System.getProperty(
            "bench.peer.cases",
            "s3proxy:20000,s3proxy:100000,synthetic:1000000:0,synthetic:1000000:20");
    for (String s : spec.split(",")) {
      cases.add(Case.parse(s));
    }
    int rounds = Integer.getInteger("bench.peer.rounds", 2);
    Path dir = Path.of("target", "controlplane", "peer-clean-" + ProcessHandle.current().pid());
    Path work = Files.createTempDirectory("peer-clean");
    List<Run> runs = new ArrayList<>();
    S3ProxyExtension s3proxy =
        S3ProxyExtension.builder()
            .withCredentials(AuthenticationType.NONE, "access", "secret")
            .withBlobStoreProvider("transient")
            .build();
    try (ControlPlane cp = ControlPlane.startPrivate(dir, System.out::println)) {
      KubernetesClient api = cp.admin();
      LocalCluster.installCrds(api, peer, f -> f.equals("pingcap.com_backups.yaml"));
      api.resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
          .create();
      Path kubeconfig =
          cp.writeKubeconfig(work.resolve("kubeconfig"), ControlPlane.ADMIN_TOKEN, NS);
      s3proxy.beforeEach(null);
      try (S3Client admin = TestingS3.client(s3proxy.getUri().toString())) {
        admin.createBucket(b -> b.bucket(BUCKET));
        Sides sides = new Sides(api, peer, kubeconfig, work, admin, s3proxy.getUri().toString());
        // warm-up, not reported: the page cache, the JDK's class data, the server's JIT
        sides.run(new Case("s3proxy", 5000, 0), "ours", -1);
        sides.run(new Case("s3proxy", 5000, 0), "theirs", -1);
        for (Case c : cases) {
          for (int round = 0; round < rounds; round++) {
            List<String> order =
                round % 2 == 0 ? List.of("ours", "theirs") : List.of("theirs", "ours");
            for (String side : order) {
              runs.add(sides.run(c, side, round));
            }
          }
        }
      }
    } finally {
      s3proxy.afterEach(null);
    }
    PeerCleanReport.print(runs, rounds);
    PeerCleanReport.summary(runs, rounds);
    OperatorScaleBenchmark.deleteTree(work);
  }

  /** What both sides run against, and one run of either. */
  static final class Sides {
    final KubernetesClient api;
    final Path peer;
    final Path kubeconfig;
    final Path work;
    final S3Client admin;
    final String s3proxyUri;
    int seq;

    Sides(
        KubernetesClient api,
        Path peer,
        Path kubeconfig,
        Path work,
        S3Client admin,
        String s3proxyUri) {
      this.api = api;
      this.peer = peer;
      this.kubeconfig = kubeconfig;
      this.work = work;
      this.admin = admin;
      this.s3proxyUri = s3proxyUri;
    }

    Run run(Case c, String side, int round) throws Exception {
      if (c.store().equals("synthetic")) {
        try (SyntheticS3 s3 = new SyntheticS3(BUCKET, PREFIX, c.objects(), 0, c.latencyMs())) {
          Ran ran = clean(c, side, s3.uri());
          long other = s3.otherRequests.get();
          return report(
              new Run(
                  c,
                  side,
                  round,
                  ran.nanos() / 1e9,
                  ran.inProcess(),
                  ran.cpuSeconds(),
                  s3.lists.get(),
                  s3.deleteRequests.get(),
                  other,
                  ran.rssKib(),
                  ran.exit(),
                  s3.remaining(),
                  List.of(),
                  s3.strayDeletes.get()));
        }
      }
      if (!c.store().equals("s3proxy") || c.latencyMs() != 0) {
        throw new IllegalArgumentException(
            "bench.peer.cases: " + c + " (s3proxy:<objects> or synthetic:<objects>:<latency ms>)");
      }
      List<String> sentinels = BackupLayout.siblingSentinels(PARENT, NAME);
      plant(c.objects(), sentinels);
      try (FaultProxy counter = new FaultProxy(s3proxyUri)) {
        Ran ran = clean(c, side, counter.uri());
        Set<String> all = new HashSet<>();
        TestingS3.keys(admin, BUCKET).forEach(all::add);
        long left = all.stream().filter(k -> k.startsWith(PREFIX + "/")).count();
        List<String> lost = sentinels.stream().filter(s -> !all.contains(s)).toList();
        long lists = counter.listRequests.get();
        long deletes = counter.deleteObjectsRequests.get() + counter.deleteRequests.get();
        return report(
            new Run(
                c,
                side,
                round,
                ran.nanos() / 1e9,
                ran.inProcess(),
                ran.cpuSeconds(),
                lists,
                deletes,
                counter.requests.get() - lists - deletes,
                ran.rssKib(),
                ran.exit(),
                left,
                lost,
                0));
      }
    }

    static Run report(Run r) {
      System.err.printf(
          Locale.ROOT,
          "peer-clean: %s %s round %d: %.2f s (%.2f s in process, %.1f s CPU), exit %d, %d left, %d lists,"
              + " %d deletes, %.0f MiB%s%n",
          r.c().key(),
          r.side(),
          r.round(),
          r.seconds(),
          r.inProcess(),
          r.cpuSeconds(),
          r.exit(),
          r.left(),
          r.lists(),
          r.deletes(),
          r.rssKib() / 1024.0,
          r.ok()
              ? ""
              : " FAILED" + (r.lostSentinels().isEmpty() ? "" : " lost " + r.lostSentinels()));
      return r;
    }

    /** The prefix emptied of what a run before left, then planted; the sentinels put back. */
    void plant(int n, List<String> sentinels) throws Exception {
      List<ObjectIdentifier> old = new ArrayList<>();
      for (S3Object o : admin.listObjectsV2Paginator(b -> b.bucket(BUCKET)).contents()) {
        old.add(ObjectIdentifier.builder().key(o.key()).build());
      }
      for (int i = 0; i < old.size(); i += 1000) {
        List<ObjectIdentifier> chunk = old.subList(i, Math.min(old.size(), i + 1000));
        admin.deleteObjects(b -> b.bucket(BUCKET).delete(d -> d.objects(chunk)));
      }
      long t = System.nanoTime();
      TestingS3.put(admin, BUCKET, BackupLayout.snapshotKeys(PREFIX, n));
      TestingS3.put(admin, BUCKET, sentinels);
      System.err.printf(
          Locale.ROOT,
          "peer-clean: planted %d objects and %d sentinels in %.1f s%n",
          n,
          sentinels.size(),
          (System.nanoTime() - t) / 1e9);
    }

    record Ran(long nanos, long rssKib, int exit, double inProcess, double cpuSeconds) {}

    /** Runs one side against {@code endpoint}. */
    Ran clean(Case c, String side, String endpoint) throws Exception {
      String name = "clean-" + (++seq);
      Map<String, Object> backup = backup(name, endpoint);
      List<String> cmd;
      if (side.equals("ours")) {
        Path manifest = work.resolve(name + ".yaml");
        Files.writeString(manifest, io.tidbbackup.api.Serde.json(backup));
        cmd = new ArrayList<>(ScaleCleanBenchmark.agentClean(OUR_JAR, manifest));
        // -Dbench.peer.ourJvm="<flags>": more JVM flags for ours (a profile, a flag tried), after
        // the image's, so that one of the same name wins
        String extra = System.getProperty("bench.peer.ourJvm", "").trim();
        if (!extra.isEmpty()) {
          cmd.addAll(cmd.indexOf("-jar"), List.of(extra.replace("{run}", name).split("\\s+")));
        }
      } else {
        GenericKubernetesResource r =
            io.tidbbackup.api.Serde.JSON.convertValue(backup, GenericKubernetesResource.class);
        api.resource(r).create();
        cmd =
            List.of(
                peer.resolve("backup-manager").toString(),
                "clean",
                "--namespace=" + NS,
                "--backupName=" + name,
                "--kubeconfig=" + kubeconfig);
      }
      Path log = work.resolve(name + "-" + side + ".log");
      ProcessBuilder pb =
          new ProcessBuilder(cmd)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
      pb.environment().put("AWS_ACCESS_KEY_ID", "bench");
      pb.environment().put("AWS_SECRET_ACCESS_KEY", "bench");
      pb.environment().put("AWS_EC2_METADATA_DISABLED", "true");
      pb.environment().remove("JAVA_TOOL_OPTIONS");
      pb.environment().remove("KUBECONFIG");
      long t = System.nanoTime();
      Process p = pb.start();
      long hwm = 0;
      long ticks = 0;
      while (!p.waitFor(20, TimeUnit.MILLISECONDS)) {
        hwm = Math.max(hwm, ScaleCleanBenchmark.vmHwm(p.pid()));
        ticks = Math.max(ticks, cpuTicks(p.pid()));
      }
      long nanos = System.nanoTime() - t;
      List<String> lines = Files.readAllLines(log);
      if (p.exitValue() != 0) {
        System.err.println(
            "peer-clean: "
                + side
                + " exited "
                + p.exitValue()
                + "; its last lines ("
                + log
                + "):\n  "
                + String.join("\n  ", lines.subList(Math.max(0, lines.size() - 15), lines.size())));
      }
      return new Ran(nanos, hwm, p.exitValue(), inProcess(side, lines), ticks / 100.0);
    }

    /** User and system CPU of a process in clock ticks (1/100 s), from /proc; 0 once it is gone. */
    static long cpuTicks(long pid) {
      try {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime: fields 14 and 15
      } catch (Exception e) {
        return 0;
      }
    }

    static final java.util.regex.Pattern SECONDS =
        java.util.regex.Pattern.compile("\"seconds\":([0-9.]+)");
    static final java.util.regex.Pattern KLOG =
        java.util.regex.Pattern.compile("^[IWEF]\\d{4} (\\d{2}):(\\d{2}):(\\d{2}\\.\\d+)");

    /** Ours: the clean's report ("seconds"); theirs: from its first klog line to its last. */
    static double inProcess(String side, List<String> lines) {
      if (side.equals("ours")) {
        String last = lines.stream().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElse("");
        java.util.regex.Matcher m = SECONDS.matcher(last);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
      }
      List<Double> at = new ArrayList<>();
      for (String l : lines) {
        java.util.regex.Matcher m = KLOG.matcher(l);
        if (m.find()) {
          at.add(
              Integer.parseInt(m.group(1)) * 3600
                  + Integer.parseInt(m.group(2)) * 60
                  + Double.parseDouble(m.group(3)));
        }
      }
      if (at.size() < 2) {
        return 0;
      }
      double d = at.get(at.size() - 1) - at.get(0);
      return d < 0 ? d + 86400 : d;
    }

    /** The Backup both sides read: the agent from a file, backup-manager from the API server. */
    static Map<String, Object> backup(String name, String endpoint) {
      Map<String, Object> s3 = new LinkedHashMap<>();
      s3.put("provider", "ceph");
      s3.put("endpoint", endpoint);
      s3.put("bucket", BUCKET);
      s3.put("prefix", PREFIX);
      Map<String, Object> spec = new LinkedHashMap<>();
      spec.put("br", Map.of("cluster", "basic"));
      spec.put("cleanPolicy", "Delete");
      spec.put("s3", s3);
      Map<String, Object> backup = new LinkedHashMap<>();
      backup.put("apiVersion", "pingcap.com/v1alpha1");
      backup.put("kind", "Backup");
      backup.put("metadata", Map.of("name", name, "namespace", NS));
      backup.put("spec", spec);
      backup.put("status", Map.of("backupPath", "s3://" + BUCKET + "/" + PREFIX));
      return backup;
    }
  }
}
