package io.tidbbackup.operator.cluster;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * {@link LogTasks} over PD's embedded etcd (its client port, where BR writes the task's keys), with
 * one etcd client per PD address, kept for the next read. Every read is bounded by {@link #TIMEOUT}
 * so a reconcile never waits longer on an unreachable PD.
 */
public final class PdLogTasks implements LogTasks, AutoCloseable {
  static final Duration TIMEOUT = Duration.ofSeconds(5);

  private final String endpointOverride;
  private final Map<String, Client> clients = new ConcurrentHashMap<>();

  /**
   * @param endpointOverride where every PD is reached instead of its in-cluster address (an
   *     operator run outside the cluster), or null
   */
  public PdLogTasks(String endpointOverride) {
    this.endpointOverride =
        endpointOverride == null || endpointOverride.isBlank() ? null : endpointOverride;
  }

  @Override
  public LogTaskState read(String pdAddress, String task) throws Exception {
    String endpoint = endpointOverride != null ? endpointOverride : pdAddress;
    KV kv = client(endpoint).getKVClient();
    byte[] info = one(kv, LogTaskKeys.info(task));
    byte[] pause = one(kv, LogTaskKeys.pause(task));
    return LogTaskKeys.state(
        info,
        under(kv, LogTaskKeys.checkpoints(task)),
        pause,
        under(kv, LogTaskKeys.lastErrors(task)));
  }

  private Client client(String endpoint) {
    String url = endpoint.contains("://") ? endpoint : "http://" + endpoint;
    return clients.computeIfAbsent(
        url,
        u ->
            Client.builder()
                .endpoints(u)
                .connectTimeout(TIMEOUT)
                .retryMaxAttempts(1)
                .retryMaxDuration(TIMEOUT)
                .build());
  }

  private static byte[] one(KV kv, String key) throws Exception {
    List<KeyValue> kvs = kv.get(bytes(key)).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).getKvs();
    return kvs.isEmpty() ? null : kvs.get(0).getValue().getBytes();
  }

  private static SortedMap<String, byte[]> under(KV kv, String prefix) throws Exception {
    SortedMap<String, byte[]> out = new TreeMap<>();
    for (KeyValue e :
        kv.get(bytes(prefix), GetOption.builder().isPrefix(true).withLimit(1000).build())
            .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
            .getKvs()) {
      out.put(
          e.getKey().toString(StandardCharsets.UTF_8).substring(prefix.length()),
          e.getValue().getBytes());
    }
    return out;
  }

  private static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    clients.values().forEach(Client::close);
    clients.clear();
  }
}
