package io.tidbbackup.operator.cluster;

/**
 * What PD's etcd says about a log backup task, as BR keeps it under {@code /tidb/br-stream/}.
 *
 * @param taskExists the task's {@code info} key is there
 * @param checkpointTs the task's global checkpoint (a TSO), null when none is recorded yet
 * @param paused the task's {@code pause} key is there
 * @param pauseError why TiKV paused the task when it was an error (null: not paused, or paused by a
 *     user)
 * @param lastError the last error a TiKV store reported for the task, or null
 */
public record LogTaskState(
    boolean taskExists, Long checkpointTs, boolean paused, String pauseError, String lastError) {}
