package io.tidbbackup.operator.settings;

import java.time.Duration;

/**
 * How long a reconcile waits before it looks again, by what it waits for: every reschedule of every
 * reconciler comes from here (part of {@link OperatorSettings}), none from a constant in a flow.
 *
 * @param oldJob a Job going away (deleted in the foreground, or an earlier object's Job the garbage
 *     collector removes)
 * @param clusterRetry a TidbCluster that is not there yet, or a Job name held by another object
 * @param logPoll a running log subcommand Job
 * @param cleanPoll a running clean Job (its progress is read from its log each time)
 * @param inProcessPoll an in-process clean (a terminating namespace's)
 * @param errorRetryStart the first retry of a reconcile that threw (then doubling, for ever)
 * @param errorRetryCap the longest wait between retries of a reconcile that keeps throwing
 * @param startPoll a tool Job none of whose pods is ready yet (nothing else wakes the reconcile
 *     while a pod waits for an image or a Secret)
 * @param checkpointPoll a started log backup's checkpoint, read from PD's etcd (TiDB Operator's
 *     tracker reads it every minute too)
 * @param progressPoll a running tool Job's progress, read from its pod's log
 * @param secretHoldRecheck how long a hold on a Secret, once placed, is taken as there before it is
 *     asserted again (one request per Secret; a finalizer removed by hand comes back no sooner)
 */
public record ReconcileIntervals(
    Duration oldJob,
    Duration clusterRetry,
    Duration logPoll,
    Duration cleanPoll,
    Duration inProcessPoll,
    Duration startPoll,
    Duration errorRetryStart,
    Duration errorRetryCap,
    Duration checkpointPoll,
    Duration progressPoll,
    Duration secretHoldRecheck) {

  public static ReconcileIntervals defaults() {
    return new ReconcileIntervals(
        Duration.ofSeconds(2),
        Duration.ofSeconds(30),
        Duration.ofSeconds(10),
        Duration.ofSeconds(5),
        Duration.ofSeconds(1),
        Duration.ofSeconds(15),
        Duration.ofSeconds(2),
        Duration.ofMinutes(5),
        Duration.ofMinutes(1),
        Duration.ofSeconds(30),
        Duration.ofMinutes(10));
  }
}
