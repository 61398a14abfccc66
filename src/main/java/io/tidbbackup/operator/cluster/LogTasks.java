package io.tidbbackup.operator.cluster;

/** Reads a log backup task's state from the PD of its cluster. */
@FunctionalInterface
public interface LogTasks {
  /**
   * The state of {@code task} as the PD at {@code pdAddress} ({@code host:port}) keeps it.
   *
   * @throws Exception when PD cannot be reached or does not answer in time
   */
  LogTaskState read(String pdAddress, String task) throws Exception;
}
